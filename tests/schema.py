#!/usr/bin/python3
"""schema.py: check every JSON document of an image tarball against the
official OCI image-spec JSON schemas (Debian's
golang-github-opencontainers-image-spec-dev ships them; python3-jsonschema
validates, Draft 4).

    schema.py IMAGE.tar...     prints one line per document checked; exit 1
                               and the schema's complaint on the first that
                               fails
"""
import json
import os
import sys
import tarfile

import jsonschema

SCHEMAS = "/usr/share/gocode/src/github.com/opencontainers/image-spec/schema"
MT = {
    "application/vnd.oci.image.index.v1+json": "image-index-schema.json",
    "application/vnd.oci.image.manifest.v1+json": "image-manifest-schema.json",
    "application/vnd.oci.image.config.v1+json": "config-schema.json",
}


def local(uri):
    """The schema file a $ref names, whatever folder its URL puts it in (the
    schemas' "id"s move the base to opencontainers.org): read from disk,
    never fetched."""
    with open(os.path.join(SCHEMAS, uri.rsplit("/", 1)[-1].split("#")[0])) \
            as h:
        return json.load(h)


def validator(name):
    """A Draft 4 validator for schema NAME whose $refs resolve to the files
    beside it."""
    schema = local(name)
    resolver = jsonschema.RefResolver(
        base_uri="file://" + SCHEMAS + "/" + name, referrer=schema,
        handlers={"https": local, "http": local, "file": local})
    return jsonschema.Draft4Validator(schema, resolver=resolver)


def check(name, doc, schema, what):
    errors = sorted(validator(schema).iter_errors(doc), key=str)
    if errors:
        print(f"{name}: {what} fails {schema}: {errors[0].message}",
              file=sys.stderr)
        sys.exit(1)
    print(f"{what} conforms to {schema}")


def main():
    for path in sys.argv[1:]:
        with tarfile.open(path) as t:
            files = {m.name: t.extractfile(m).read()
                     for m in t.getmembers() if m.isreg()}
        check(path, json.loads(files["oci-layout"]),
              "image-layout-schema.json", "oci-layout")
        todo = [("index.json", json.loads(files["index.json"]),
                 "image-index-schema.json")]
        while todo:
            what, doc, schema = todo.pop()
            check(path, doc, schema, what)
            if schema == "image-index-schema.json":
                descs = doc["manifests"]
            elif schema == "image-manifest-schema.json":
                descs = [doc["config"]] + doc["layers"]
            else:
                descs = []
            for d in descs:
                if d["mediaType"] in MT:
                    blob = "blobs/sha256/" + d["digest"][7:]
                    todo.append((blob, json.loads(files[blob]),
                                 MT[d["mediaType"]]))


if __name__ == "__main__":
    main()
