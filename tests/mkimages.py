#!/usr/bin/env python3
"""mkimages.py: image tarballs for tinyimg's reader tests, made with code
that shares nothing with tinyimg (Python's tarfile, gzip, hashlib, json).

    mkimages.py docker25 SRC.tar OUT.tar [--zstd]
        SRC (a one-platform image tarball) rewritten as Docker 25+ with the
        containerd store saves one: gzip (or zstd) layers, index.json naming a
        nested index with one manifest and a BuildKit attestation manifest,
        plus manifest.json and repositories; members in an odd order
        (index.json and manifest.json last).
    mkimages.py corrupt KIND SRC.tar OUT.tar
        SRC with one defect (see KINDS below); prints the text inspect must say.
    mkimages.py label SRC.tar OUT.tar KEY VALUE
        SRC with one more label in its config, digests updated.
    mkimages.py config SRC.tar OUT.tar PYTHON
        SRC with its config (the dict c) changed by the Python code.
    mkimages.py dockertypes SRC.tar OUT.tar
        SRC with Docker's media types in its manifest (Docker 25+ saves
        pulled images so).
    mkimages.py join A.tar B.tar OUT.tar
        the OCI views of A and B in one tarball, index.json listing both
        (as `docker save a b` holds two images).
    mkimages.py hardlinks SRC.tar OUT.tar
        SRC with a layer whose hard links Docker accepts: to an earlier
        entry named as ./real, /real and x/../real.
    mkimages.py folderlink SRC.tar OUT.tar [loop]
        SRC with its layer blob reached through a folder that is a
        symbolic link (blobs/sha256/L -> ../../alias/layer.tar, alias ->
        real/sub), as a loader unpacking it to disk follows it; with
        "loop", alias links to itself.
    mkimages.py layers OUT.tar ENTRY LAYER...
        a linux/amd64 OCI archive whose entrypoint is ENTRY, each LAYER a
        comma list of NAME:d (folder), NAME:f[=DATA|=@FILE] (file),
        NAME:s=TARGET (symbolic link) or NAME:h=TARGET (hard link).
    mkimages.py heavy DIR
        four small archives that cost a careless reader minutes: paths.tar
        (100,000 layer entries, an entrypoint looked up through a PATH of
        20,000 folders), deep.tar (an entrypoint of 100,000 components),
        shared.tar (one layer named 25,000 times by one manifest) and
        many.tar (1,000 images on one gzip layer, the program past 100,000
        entries).
    mkimages.py bomb OUT.tar
        a valid image whose gzip layer inflates to 1 GiB of zeros from ~1 MB.
    mkimages.py gzimage LAYER.tar OUT.tar
        a valid image whose one layer is LAYER.tar compressed by `gzip -6 -n`,
        in both views (OCI index.json and docker manifest.json): for the
        benchmark of tinyimg inspect on real binaries.
"""
import gzip
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import zlib

MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"


def sha(data):
    return hashlib.sha256(data).hexdigest()


def dumps(doc):
    return json.dumps(doc, separators=(",", ":")).encode()


def read(path):
    """The members of a tarball: [(TarInfo, bytes)] in order."""
    out = []
    with tarfile.open(path, "r:") as t:
        for m in t.getmembers():
            data = t.extractfile(m).read() if m.isreg() else b""
            out.append((m, data))
    return out


def write(path, members):
    """Write [(name, bytes)] or [(TarInfo, bytes)] as a tarball."""
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as t:
        for name, data in members:
            info = name if isinstance(name, tarfile.TarInfo) else \
                tarfile.TarInfo(name)
            if info.isreg():
                info.size = len(data)
            t.addfile(info, io.BytesIO(data) if info.isreg() else None)


def image(members):
    """(config bytes, [layer bytes], manifest.json entry) of a tinyimg
    tarball's docker view."""
    files = {m.name: d for m, d in members}
    entry = json.loads(files["manifest.json"])[0]
    return (files[entry["Config"]], [files[p] for p in entry["Layers"]],
            entry)


def docker25(src, out, use_zstd):
    config, layers, entry = image(read(src))
    blobs = {}

    def add(data):
        blobs[sha(data)] = data
        return {"digest": "sha256:" + sha(data), "size": len(data)}

    lays = []
    for layer in layers:
        if use_zstd:
            z = subprocess.run(["zstd", "-q", "-c"], input=layer,
                               capture_output=True, check=True).stdout
            lays.append(dict(add(z), mediaType=MT_MANIFEST.replace(
                "manifest.v1+json", "layer.v1.tar+zstd")))
        else:
            g = gzip.compress(layer, mtime=0)
            lays.append(dict(add(g), mediaType=MT_MANIFEST.replace(
                "manifest.v1+json", "layer.v1.tar+gzip")))
    cfg = json.loads(config)
    manifest = dumps({"schemaVersion": 2, "mediaType": MT_MANIFEST,
                      "config": dict(add(config), mediaType=MT_CONFIG),
                      "layers": lays})
    mdesc = dict(add(manifest), mediaType=MT_MANIFEST,
                 platform={"architecture": cfg["architecture"],
                           "os": cfg["os"]})
    intoto = dumps({"_type": "https://in-toto.io/Statement/v0.1",
                    "predicateType": "https://slsa.dev/provenance/v0.2",
                    "subject": [{"name": "_", "digest": {
                        "sha256": mdesc["digest"][7:]}}]})
    att_config = dumps({"architecture": "unknown", "os": "unknown",
                        "config": {}, "rootfs": {"type": "layers",
                                                 "diff_ids": [
                                                     "sha256:" + sha(intoto)]}})
    att = dumps({"schemaVersion": 2, "mediaType": MT_MANIFEST,
                 "config": dict(add(att_config), mediaType=MT_CONFIG),
                 "layers": [dict(add(intoto),
                                 mediaType="application/vnd.in-toto+json",
                                 annotations={
                                     "in-toto.io/predicate-type":
                                     "https://slsa.dev/provenance/v0.2"})]})
    adesc = dict(add(att), mediaType=MT_MANIFEST,
                 platform={"architecture": "unknown", "os": "unknown"},
                 annotations={"vnd.docker.reference.digest": mdesc["digest"],
                              "vnd.docker.reference.type":
                              "attestation-manifest"})
    nested = dumps({"schemaVersion": 2, "mediaType": MT_INDEX,
                    "manifests": [mdesc, adesc]})
    tag = entry["RepoTags"][0]
    name = tag if "/" in tag.split(":")[0] else "docker.io/library/" + tag
    top = dumps({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": [
        dict(add(nested), mediaType=MT_INDEX, annotations={
            "io.containerd.image.name": name,
            "org.opencontainers.image.ref.name": tag.rsplit(":", 1)[1]})]})
    members = [("blobs/", b""), ("blobs/sha256/", b"")]
    for h in sorted(blobs, reverse=True):
        members.append(("blobs/sha256/" + h, blobs[h]))
    members += [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}\n'),
                ("repositories", dumps({tag.rsplit(":", 1)[0]: {
                    tag.rsplit(":", 1)[1]: sha(config)}})),
                ("manifest.json", dumps([{
                    "Config": "blobs/sha256/" + sha(config),
                    "RepoTags": [tag],
                    "Layers": ["blobs/sha256/" + l["digest"][7:]
                               for l in lays]}])),
                ("index.json", top)]
    infos = []
    for n, d in members:
        info = tarfile.TarInfo(n)
        if n.endswith("/"):
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
        infos.append((info, d))
    write(out, infos)


def rewrite(members, name, data):
    return [(m, data if m.name == name else d) for m, d in members]


def new_manifest(members, index, man_name, manifest):
    """MEMBERS with the manifest MAN_NAME replaced by MANIFEST, and
    index.json naming the new one."""
    new = dumps(manifest)
    index["manifests"][0].update(digest="sha256:" + sha(new), size=len(new))
    members = [(m, d) for m, d in members if m.name != man_name]
    members.append((tarfile.TarInfo("blobs/sha256/" + sha(new)), new))
    return rewrite(members, "index.json", dumps(index))


def corrupt(kind, src, out):
    """Write SRC with one defect; return what inspect must say."""
    members = read(src)
    files = {m.name: d for m, d in members}
    config, layers, entry = image(members)
    cfg_name, layer_name = entry["Config"], entry["Layers"][0]
    index = json.loads(files["index.json"])
    man_name = "blobs/sha256/" + index["manifests"][0]["digest"][7:]
    manifest = json.loads(files[man_name])
    said = ""
    if kind == "blob-bytes":
        data = bytearray(files[layer_name])
        data[600] ^= 1
        members = rewrite(members, layer_name, bytes(data))
        said = "the blob's bytes do not hash to its name"
    elif kind == "size":
        manifest["layers"][0]["size"] += 1
        members = new_manifest(members, index, man_name, manifest)
        said = "says %d bytes, the blob has %d" % (
            manifest["layers"][0]["size"], manifest["layers"][0]["size"] - 1)
    elif kind == "diff-id":
        cfg = json.loads(config)
        cfg["rootfs"]["diff_ids"][0] = "sha256:" + "0" * 64
        new = dumps(cfg)
        members = [(m, d) for m, d in members
                   if m.name not in ("index.json", man_name)]
        members.append((tarfile.TarInfo("blobs/sha256/" + sha(new)), new))
        members = [(m, d) for m, d in members if m.name != cfg_name]
        entry["Config"] = "blobs/sha256/" + sha(new)
        members = rewrite(members, "manifest.json", dumps([entry]))
        said = "but the config's diff_id is sha256:" + "0" * 64
    elif kind == "docker-entry":
        # A missing Config must not hide the entry's other problems.
        entry.update(Config="nope.json", Layers=["missing.tar"],
                     RepoTags=["bad"])
        members = rewrite(members, "manifest.json", dumps([entry]))
        said = 'RepoTag "bad" has no tag'
    elif kind == "missing-blob":
        members = [(m, d) for m, d in members if m.name != layer_name]
        said = "which the archive does not hold"
    elif kind == "layers-count":
        entry["Layers"] = entry["Layers"] * 2
        members = rewrite(members, "manifest.json", dumps([entry]))
        said = "lists 2 layers for the image whose config the OCI index " \
            "gives 1"
    elif kind == "no-rootfs":
        cfg = json.loads(config)
        del cfg["rootfs"], cfg["architecture"]
        new = dumps(cfg)
        members = [(m, d) for m, d in members
                   if m.name not in ("index.json", "oci-layout", man_name,
                                     cfg_name)]
        members.append((tarfile.TarInfo("blobs/sha256/" + sha(new)), new))
        entry["Config"] = "blobs/sha256/" + sha(new)
        members = rewrite(members, "manifest.json", dumps([entry]))
        said = "\"rootfs\" is missing"
    elif kind == "bad-json":
        members = rewrite(members, "index.json", files["index.json"][:-2])
        said = "index.json: byte"
    elif kind == "deep-json":
        members = rewrite(members, "index.json", b"[" * 200000)
        said = "index.json: byte 64: "
    elif kind == "big-json":
        members = rewrite(members, "index.json",
                          b'{"x":"' + b"a" * (100 << 20) + b'"}')
        said = "tinyimg reads at most 4 MiB"
    elif kind == "no-layout":
        members = [(m, d) for m, d in members if m.name != "oci-layout"]
        said = "index.json is there but oci-layout is not"
    elif kind in ("dotdot", "absolute", "nul", "utf8"):
        name = {"dotdot": "../../etc/passwd", "absolute": "/etc/passwd",
                "nul": "\u00e9\0b",  # non-ASCII, so Python writes it in pax
                "utf8": "bad\udcffname"}[kind]
        layer = io.BytesIO()
        with tarfile.open(fileobj=layer, mode="w",
                          format=tarfile.PAX_FORMAT if kind == "nul" else
                          tarfile.GNU_FORMAT, encoding="utf-8",
                          errors="surrogateescape") as t:
            info = tarfile.TarInfo(name)
            info.size = 1
            t.addfile(info, io.BytesIO(b"x"))
        members = retarget_layer(members, entry, index, manifest, config,
                                 layer.getvalue())
        said = {"dotdot": "a '..' part in the name",
                "absolute": "an absolute name",
                "nul": "a NUL byte in the name",
                "utf8": "a name that is not UTF-8"}[kind]
    elif kind in ("hardlink-missing", "hardlink-later"):
        # A layer is unpacked on its own and in order: a hard link needs
        # its target earlier in the same layer.
        layer = io.BytesIO()
        with tarfile.open(fileobj=layer, mode="w",
                          format=tarfile.USTAR_FORMAT) as t:
            link = tarfile.TarInfo("hello")
            link.type = tarfile.LNKTYPE
            link.linkname = "real" if kind == "hardlink-later" else "nothere"
            t.addfile(link)
            if kind == "hardlink-later":
                info = tarfile.TarInfo("real")
                info.size = 1
                t.addfile(info, io.BytesIO(b"x"))
        members = retarget_layer(members, entry, index, manifest, config,
                                 layer.getvalue())
        said = 'layer entry "hello": a hard link to "%s", which no earlier ' \
               'entry of the layer holds' % (
                   "real" if kind == "hardlink-later" else "nothere")
    elif kind == "link-outside":
        info = tarfile.TarInfo("evil.json")
        info.type = tarfile.SYMTYPE
        info.linkname = "../../../etc/passwd"
        members.append((info, b""))
        entry["Config"] = "evil.json"
        members = rewrite(members, "manifest.json", dumps([entry]))
        said = "a link to ../../../etc/passwd, outside the archive"
    elif kind == "link-loop":
        for a, b in (("a.json", "b.json"), ("b.json", "a.json")):
            info = tarfile.TarInfo(a)
            info.type = tarfile.SYMTYPE
            info.linkname = b
            members.append((info, b""))
        entry["Config"] = "a.json"
        members = rewrite(members, "manifest.json", dumps([entry]))
        said = "links loop"
    elif kind == "duplicate":
        members.append((tarfile.TarInfo("manifest.json"),
                        files["manifest.json"]))
        said = "the archive holds this name more than once"
    elif kind == "media-type":
        manifest["layers"][0]["mediaType"] += "+gzip"
        members = new_manifest(members, index, man_name, manifest)
        said = "the bytes are not what mediaType"
    elif kind == "index-fanout":
        # Eight nested indexes, each naming the next eight times: valid
        # digests, 8^8 paths to the one manifest.
        desc = index["manifests"][0]
        for _ in range(8):
            nested = dumps({"schemaVersion": 2, "mediaType": MT_INDEX,
                            "manifests": [desc] * 8})
            members.append((tarfile.TarInfo("blobs/sha256/" + sha(nested)),
                            nested))
            desc = {"mediaType": MT_INDEX, "digest": "sha256:" + sha(nested),
                    "size": len(nested)}
        index["manifests"] = [desc]
        members = rewrite(members, "index.json", dumps(index))
        said = "more than 100000 manifests and indexes named"
    elif kind == "many-tags":
        entry["RepoTags"] = ["t%d:x" % i for i in range(20000)]
        members = rewrite(members, "manifest.json", dumps([entry]))
        said = "more than 1000 tags for one image"
    elif kind == "long-names":
        layer = io.BytesIO()
        with gzip.GzipFile(fileobj=layer, mode="wb", mtime=0) as g:
            with tarfile.open(fileobj=g, mode="w",
                              format=tarfile.GNU_FORMAT) as t:
                for i in range(30000):
                    info = tarfile.TarInfo(("%05d" % i) + "n" * 4090)
                    t.addfile(info, io.BytesIO(b""))
        members = retarget_layer(members, entry, index, manifest, config,
                                 layer.getvalue())
        said = "the bytes are not what mediaType"  # gzip, said to be tar
    elif kind == "tag":
        entry["RepoTags"] = ["Bad Tag:x", "notag"]
        members = rewrite(members, "manifest.json", dumps([entry]))
        said = "has no tag; docker load refuses it"
    else:
        raise SystemExit("mkimages.py: unknown defect " + kind)
    write(out, members)
    return said


def retarget_layer(members, entry, index, manifest, config, layer):
    """Put LAYER in place of the image's layer, with every digest that names
    it updated, so only the layer's contents are wrong."""
    cfg = json.loads(config)
    cfg["rootfs"]["diff_ids"] = ["sha256:" + sha(layer)]
    new_cfg = dumps(cfg)
    manifest["config"].update(digest="sha256:" + sha(new_cfg),
                              size=len(new_cfg))
    manifest["layers"][0].update(digest="sha256:" + sha(layer),
                                 size=len(layer))
    new_man = dumps(manifest)
    index["manifests"][0].update(digest="sha256:" + sha(new_man),
                                 size=len(new_man))
    entry["Config"] = "blobs/sha256/" + sha(new_cfg)
    entry["Layers"] = ["blobs/sha256/" + sha(layer)]
    out = [(tarfile.TarInfo("blobs/sha256/" + sha(d)), d)
           for d in (new_cfg, layer, new_man)]
    out += [(tarfile.TarInfo("index.json"), dumps(index)),
            (tarfile.TarInfo("manifest.json"), dumps([entry])),
            (tarfile.TarInfo("oci-layout"),
             b'{"imageLayoutVersion":"1.0.0"}')]
    return out


def edit(src, out, config_fn=None, manifest_fn=None):
    """SRC with its config and manifest changed by CONFIG_FN(dict) and
    MANIFEST_FN(dict), every digest that names them updated."""
    members = read(src)
    files = {m.name: d for m, d in members}
    config, layers, entry = image(members)
    index = json.loads(files["index.json"])
    man_name = "blobs/sha256/" + index["manifests"][0]["digest"][7:]
    manifest = json.loads(files[man_name])
    cfg = json.loads(config)
    if config_fn:
        config_fn(cfg)
    new_cfg = dumps(cfg)
    manifest["config"].update(digest="sha256:" + sha(new_cfg),
                              size=len(new_cfg))
    if manifest_fn:
        manifest_fn(manifest)
    index["manifests"][0]["mediaType"] = manifest["mediaType"]
    entry["Config"] = "blobs/sha256/" + sha(new_cfg)
    members = [(m, d) for m, d in members
               if m.name not in (man_name, "blobs/sha256/" + sha(config))]
    members.append((tarfile.TarInfo("blobs/sha256/" + sha(new_cfg)), new_cfg))
    members = rewrite(members, "manifest.json", dumps([entry]))
    members = new_manifest(members, index, man_name, manifest)
    write(out, members)


def label(src, out, key, value):
    """SRC with the label KEY=VALUE in its config (any bytes in the key,
    '=' included)."""
    edit(src, out, lambda c: c.setdefault("config", {}).setdefault(
        "Labels", {}).__setitem__(key, value))


def config(src, out, code):
    """SRC with its config (the dict c) changed by the Python CODE."""
    def run(c):
        exec(code, {"c": c})
    edit(src, out, run)


def docker_types(manifest):
    """MANIFEST named with Docker's media types, as Docker 25+ saves an
    image pulled from a registry."""
    manifest["mediaType"] = \
        "application/vnd.docker.distribution.manifest.v2+json"
    manifest["config"]["mediaType"] = \
        "application/vnd.docker.container.image.v1+json"
    for layer in manifest["layers"]:
        layer["mediaType"] = "application/vnd.docker.image.rootfs.diff.tar"


def join(a, b, out):
    """The OCI views of tarballs A and B in one, index.json naming both."""
    files, index = {}, {"schemaVersion": 2, "manifests": []}
    for path in (a, b):
        members = {m.name: d for m, d in read(path) if m.isreg()}
        index["manifests"] += json.loads(members.pop("index.json"))[
            "manifests"]
        members.pop("manifest.json", None)
        files.update(members)
    files["index.json"] = dumps(index)
    write(out, sorted(files.items()))


def hardlinks(src, out):
    """SRC with a layer of a file and three hard links to it, named as
    Docker resolves them (inside the layer's root)."""
    members = read(src)
    files = {m.name: d for m, d in members}
    config, layers, entry = image(members)
    index = json.loads(files["index.json"])
    manifest = json.loads(
        files["blobs/sha256/" + index["manifests"][0]["digest"][7:]])
    layer = io.BytesIO()
    with tarfile.open(fileobj=layer, mode="w",
                      format=tarfile.USTAR_FORMAT) as t:
        info = tarfile.TarInfo("real")
        info.size = 1
        t.addfile(info, io.BytesIO(b"x"))
        for name, target in (("h1", "./real"), ("h2", "/real"),
                             ("h3", "x/../real")):
            link = tarfile.TarInfo(name)
            link.type = tarfile.LNKTYPE
            link.linkname = target
            t.addfile(link)
    write(out, retarget_layer(members, entry, index, manifest, config,
                              layer.getvalue()))


def folderlink(src, out, loop=False):
    """SRC with its layer blob behind a symbolically linked folder."""
    members = read(src)
    config, layers, entry = image(members)
    layer_name = entry["Layers"][0]
    out_members = []
    for m, d in members:
        if m.name != layer_name:
            out_members.append((m, d))
            continue
        out_members.append((tarfile.TarInfo("real/sub/layer.tar"), d))
        alias = tarfile.TarInfo("alias")
        alias.type = tarfile.SYMTYPE
        alias.linkname = "alias" if loop else "real/sub"
        out_members.append((alias, b""))
        link = tarfile.TarInfo(layer_name)
        link.type = tarfile.SYMTYPE
        link.linkname = "../../alias/layer.tar"
        out_members.append((link, b""))
    write(out, out_members)


def spec_layer(spec):
    """A layer tar from a comma list of NAME:KIND[=ARG] (see the usage)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for item in spec.split(","):
            name, kind = item.rsplit(":", 1)
            k, _, arg = kind.partition("=")
            info = tarfile.TarInfo(name)
            info.mode = 0o755
            data = b""
            if k == "d":
                info.type = tarfile.DIRTYPE
            elif k in ("s", "h"):
                info.type = tarfile.SYMTYPE if k == "s" else tarfile.LNKTYPE
                info.linkname = arg
            else:
                data = open(arg[1:], "rb").read() if arg.startswith("@") \
                    else arg.encode()
                info.size = len(data)
            t.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return buf.getvalue()


def one_image(layers, config_fn, out):
    """An OCI-only image tarball: LAYERS [(tar bytes, blob bytes, media
    type)], its config changed by CONFIG_FN."""
    digests = {}  # by identity: a layer named many times is hashed once
    for t, blob, _ in layers:
        if id(blob) not in digests:
            digests[id(t)], digests[id(blob)] = sha(t), sha(blob)
    cfg = {"architecture": "amd64", "os": "linux",
           "config": {"Entrypoint": ["/hello"]},
           "rootfs": {"type": "layers",
                      "diff_ids": ["sha256:" + digests[id(t)]
                                   for t, _, _ in layers]}}
    config_fn(cfg)
    cfg_bytes = dumps(cfg)
    blobs = {sha(cfg_bytes): cfg_bytes}
    for _, blob, _ in layers:
        blobs[digests[id(blob)]] = blob
    manifest = dumps({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": "sha256:" + sha(cfg_bytes),
                   "size": len(cfg_bytes)},
        "layers": [{"mediaType": mt, "digest": "sha256:" + digests[id(blob)],
                    "size": len(blob)} for _, blob, mt in layers]})
    blobs[sha(manifest)] = manifest
    index = dumps({"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "digest": "sha256:" + sha(manifest), "size": len(manifest),
        "annotations": {"org.opencontainers.image.ref.name": "latest"}}]})
    members = [("blobs/sha256/" + h, b) for h, b in sorted(blobs.items())]
    members += [("index.json", index),
                ("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')]
    write(out, members)


def layer_tar(folders, files):
    """A layer tar of FOLDERS (names) and FILES ({name: bytes})."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name in folders:
            info = tarfile.TarInfo(name)
            info.type = tarfile.DIRTYPE
            info.mode = 0o755
            t.addfile(info)
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o755
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def heavy(out_dir):
    """paths.tar, deep.tar and shared.tar (see the usage)."""
    gz = "application/vnd.oci.image.layer.v1.tar+gzip"
    plain = "application/vnd.oci.image.layer.v1.tar"
    big = layer_tar(["f%d" % i for i in range(100000)], {"hello": b"x"})
    def paths(c):
        c["config"]["Entrypoint"] = ["nothere"]
        c["config"]["Env"] = ["PATH=" + ":".join(["/b"] * 20000)]
    one_image([(big, gzip.compress(big, 6, mtime=0), gz)], paths,
              out_dir + "/paths.tar")
    small = layer_tar([], {"hello": b"x"})
    one_image([(small, small, plain)], lambda c: c["config"].update(
        Entrypoint=["/" + "a/" * 100000 + "hello"]), out_dir + "/deep.tar")
    shared = layer_tar(["f%d" % i for i in range(2000)], {"hello": b"x"})
    one_image([(shared, gzip.compress(shared, 6, mtime=0), gz)] * 25000,
              lambda c: None, out_dir + "/shared.tar")
    # many.tar: 1,000 images on one gzip layer whose program lies past
    # 100,000 entries (50 MB of tar to inflate to reach it).
    blob = gzip.compress(big, 6, mtime=0)
    diff, blob_sha = sha(big), sha(blob)
    members = {"blobs/sha256/" + blob_sha: blob}
    manifests = []
    for i in range(1000):
        cfg = dumps({"architecture": "amd64", "os": "linux",
                     "config": {"Entrypoint": ["/hello"], "Env": ["I=%d" % i]},
                     "rootfs": {"type": "layers",
                                "diff_ids": ["sha256:" + diff]}})
        man = dumps({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": "sha256:" + sha(cfg), "size": len(cfg)},
            "layers": [{"mediaType": gz, "digest": "sha256:" + blob_sha,
                        "size": len(blob)}]})
        members["blobs/sha256/" + sha(cfg)] = cfg
        members["blobs/sha256/" + sha(man)] = man
        manifests.append({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": "sha256:" + sha(man), "size": len(man),
            "annotations": {"org.opencontainers.image.ref.name": "t%d" % i}})
    members["index.json"] = dumps({"schemaVersion": 2,
                                   "manifests": manifests})
    members["oci-layout"] = b'{"imageLayoutVersion":"1.0.0"}'
    write(out_dir + "/many.tar", sorted(members.items()))


def bomb(out):
    """A valid image whose one gzip layer is a tar holding a 1 GiB file of
    zeros: about 1 MB compressed."""
    size = 1 << 30
    header = tarfile.TarInfo("zeros")
    header.size = size
    head = header.tobuf(format=tarfile.USTAR_FORMAT)
    tail = b"\0" * 1024
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    h = hashlib.sha256()
    parts = [comp.compress(head)]
    h.update(head)
    chunk = b"\0" * (1 << 20)
    for _ in range(size >> 20):
        parts.append(comp.compress(chunk))
        h.update(chunk)
    parts.append(comp.compress(tail))
    h.update(tail)
    parts.append(comp.flush())
    layer = b"".join(parts)
    write(out, gz_image(layer, h.hexdigest(), "/zeros", "bomb") +
          [("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')])


def gz_image(layer, diff_id, entrypoint, name):
    """The blobs and index.json of a linux/amd64 image NAME:latest whose one
    layer is the gzip blob LAYER, a tar that hashes to DIFF_ID (hex), run
    as ENTRYPOINT: [(member name, bytes)], the config first."""
    config = dumps({"architecture": "amd64", "os": "linux",
                    "config": {"Entrypoint": [entrypoint]},
                    "rootfs": {"type": "layers",
                               "diff_ids": ["sha256:" + diff_id]}})
    manifest = dumps({"schemaVersion": 2, "mediaType": MT_MANIFEST,
                      "config": {"mediaType": MT_CONFIG,
                                 "digest": "sha256:" + sha(config),
                                 "size": len(config)},
                      "layers": [{"mediaType": MT_MANIFEST.replace(
                          "manifest.v1+json", "layer.v1.tar+gzip"),
                          "digest": "sha256:" + sha(layer),
                          "size": len(layer)}]})
    index = dumps({"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": [
        {"mediaType": MT_MANIFEST, "digest": "sha256:" + sha(manifest),
         "size": len(manifest), "annotations": {
             "io.containerd.image.name": "docker.io/library/%s:latest" % name,
             "org.opencontainers.image.ref.name": "latest"}}]})
    return [("blobs/sha256/" + sha(d), d) for d in
            (config, layer, manifest)] + [("index.json", index)]


def gzimage(layer_path, out):
    """A valid image around the tar LAYER_PATH as one `gzip -6 -n` layer,
    with the OCI view (index.json, oci-layout) and the docker save view
    (manifest.json); only the compressed layer is held in memory."""
    h = hashlib.sha256()
    with open(layer_path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    layer = subprocess.run(["gzip", "-6", "-n", "-c", layer_path],
                           capture_output=True, check=True).stdout
    members = gz_image(layer, h.hexdigest(), "/usr/bin/true", "gzimage")
    docker = dumps([{"Config": members[0][0], "RepoTags": ["gzimage:latest"],
                     "Layers": ["blobs/sha256/" + sha(layer)]}])
    write(out, members + [("manifest.json", docker),
                          ("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')])


def main():
    args = sys.argv[1:]
    if args[:1] == ["docker25"]:
        docker25(args[1], args[2], "--zstd" in args)
    elif args[:1] == ["corrupt"]:
        print(corrupt(args[1], args[2], args[3]))
    elif args[:1] == ["label"]:
        label(*args[1:5])
    elif args[:1] == ["config"]:
        config(*args[1:4])
    elif args[:1] == ["dockertypes"]:
        edit(args[1], args[2], None, docker_types)
    elif args[:1] == ["join"]:
        join(*args[1:4])
    elif args[:1] == ["hardlinks"]:
        hardlinks(args[1], args[2])
    elif args[:1] == ["folderlink"]:
        folderlink(args[1], args[2], "loop" in args[3:])
    elif args[:1] == ["layers"]:
        tars = [spec_layer(a) for a in args[3:]]
        one_image([(t, t, "application/vnd.oci.image.layer.v1.tar")
                   for t in tars],
                  lambda c: c["config"].update(Entrypoint=[args[2]]), args[1])
    elif args[:1] == ["heavy"]:
        heavy(args[1])
    elif args[:1] == ["bomb"]:
        bomb(args[1])
    elif args[:1] == ["gzimage"]:
        gzimage(args[1], args[2])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
