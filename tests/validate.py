#!/usr/bin/env python3
"""validate.py: check a tinyimg tarball with code that shares nothing with
tinyimg (Python's tarfile, hashlib and json).

    validate.py IMAGE.tar            exit 0 when valid, else say what is wrong
    validate.py IMAGE.tar FACT...    print facts, one line each:
        arch, os, tags, names, entrypoint, cmd, env, user, workdir, labels,
        ports, stopsignal, layer (one "mode uid:gid size name[ -> link]"
        line per member), program_size, program_sha256 (of the layer's
        first regular file), config_digest, manifest_digest
"""
import hashlib
import io
import json
import sys
import tarfile

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"


class Invalid(Exception):
    pass


def need(cond, what):
    if not cond:
        raise Invalid(what)


def read_members(path):
    files = {}
    with tarfile.open(path, "r:") as tar:
        for m in tar.getmembers():
            need(m.isreg(), f"{m.name}: not a regular file")
            need(m.name not in files, f"{m.name}: appears twice")
            need(not m.name.startswith(("/", "./")), f"{m.name}: prefixed")
            files[m.name] = tar.extractfile(m).read()
    with open(path, "rb") as f:
        raw = f.read()
    need(len(raw) % 512 == 0, "tarball is not whole 512-byte blocks")
    need(raw[-1024:] == bytes(1024), "tarball lacks two zero end blocks")
    return files


def check_blobs(files):
    for name, data in files.items():
        if name.startswith("blobs/sha256/"):
            hexd = name[len("blobs/sha256/"):]
            need(hashlib.sha256(data).hexdigest() == hexd,
                 f"{name}: content does not match its name")


def blob(files, desc, media_type):
    need(desc["mediaType"] == media_type,
         f"descriptor media type {desc['mediaType']} != {media_type}")
    algo, hexd = desc["digest"].split(":")
    need(algo == "sha256", "digest is not sha256")
    data = files.get("blobs/sha256/" + hexd)
    need(data is not None, f"blob {hexd} missing")
    need(len(data) == desc["size"], f"blob {hexd}: size {len(data)} != "
         f"descriptor size {desc['size']}")
    return data


def check_config(config, layers):
    need(config["os"] == "linux", "config os is not linux")
    need(config["architecture"] in ("386", "amd64", "arm64", "arm",
                                    "riscv64", "ppc64le"), "bad arch")
    rootfs = config["rootfs"]
    need(rootfs["type"] == "layers", "rootfs type is not layers")
    need(rootfs["diff_ids"] == ["sha256:" + hashlib.sha256(l).hexdigest()
                                for l in layers], "diff_ids do not match")
    hist = [h for h in config.get("history", []) if not h.get("empty_layer")]
    need(len(hist) == len(layers), "history does not match the layers")


def check_oci(files):
    need(json.loads(files["oci-layout"]) == {"imageLayoutVersion": "1.0.0"},
         "bad oci-layout")
    index = json.loads(files["index.json"])
    need(index["schemaVersion"] == 2 and index["mediaType"] == OCI_INDEX,
         "bad index.json header")
    need(len(index["manifests"]) >= 1, "index.json lists no manifest")
    out = None
    for desc in index["manifests"]:
        manifest = json.loads(blob(files, desc, OCI_MANIFEST))
        need(manifest["schemaVersion"] == 2 and
             manifest["mediaType"] == OCI_MANIFEST, "bad manifest header")
        config = json.loads(blob(files, manifest["config"], OCI_CONFIG))
        layers = [blob(files, l, OCI_LAYER) for l in manifest["layers"]]
        check_config(config, layers)
        plat = desc["platform"]
        need(plat == {"architecture": config["architecture"], "os": "linux"},
             "index platform does not match the config")
        ann = desc["annotations"]
        need(ann["io.containerd.image.name"].endswith(
            ":" + ann["org.opencontainers.image.ref.name"]),
            "name annotations disagree")
        out = (index, manifest, config, layers)
    return out


def check_docker(files):
    dm = json.loads(files["manifest.json"])
    need(isinstance(dm, list) and len(dm) == 1, "manifest.json: one image")
    entry = dm[0]
    config = json.loads(files[entry["Config"]])
    layers = [files[p] for p in entry["Layers"]]
    check_config(config, layers)
    for tag in entry["RepoTags"]:
        need(":" in tag.rsplit("/", 1)[-1], f"RepoTag {tag} lacks a tag")
    return entry, config, layers


def layer_lines(layer):
    lines = []
    with tarfile.open(fileobj=io.BytesIO(layer), mode="r:") as tar:
        for m in tar.getmembers():
            line = f"{m.mode:04o} {m.uid}:{m.gid} {m.size} {m.name}"
            if m.isdir():
                line = "d" + line
            elif m.issym():
                line = "l" + line + " -> " + m.linkname
            else:
                line = "-" + line
            lines.append(line)
    return lines


def facts(path, wanted):
    files = read_members(path)
    check_blobs(files)
    oci = check_oci(files) if "index.json" in files else None
    docker = check_docker(files) if "manifest.json" in files else None
    need(oci or docker, "neither index.json nor manifest.json")
    config = (oci[2] if oci else docker[1])
    layers = (oci[3] if oci else docker[2])
    if oci and docker:
        need(oci[2] == docker[1], "the two views disagree on the config")
    cfg = config.get("config", {})
    out = []
    for w in wanted:
        if w == "arch":
            out.append(config["architecture"])
        elif w == "os":
            out.append(config["os"])
        elif w == "tags":
            out += docker[0]["RepoTags"]
        elif w == "names":
            out += [d["annotations"]["io.containerd.image.name"]
                    for d in oci[0]["manifests"]]
        elif w in ("entrypoint", "cmd", "env", "labels", "ports", "user",
                   "workdir", "stopsignal"):
            key = {"entrypoint": "Entrypoint", "cmd": "Cmd", "env": "Env",
                   "labels": "Labels", "ports": "ExposedPorts",
                   "user": "User", "workdir": "WorkingDir",
                   "stopsignal": "StopSignal"}[w]
            out.append(json.dumps(cfg.get(key), separators=(",", ":"),
                                  ensure_ascii=False))
        elif w == "layer":
            out += layer_lines(layers[0])
        elif w in ("program_size", "program_sha256"):
            with tarfile.open(fileobj=io.BytesIO(layers[0]), mode="r:") as t:
                prog = [m for m in t.getmembers() if m.isreg()][0]
                out.append(str(prog.size) if w == "program_size" else
                           hashlib.sha256(t.extractfile(prog).read())
                           .hexdigest())
        elif w == "config_digest":
            out.append(oci[1]["config"]["digest"] if oci else
                       "sha256:" + docker[0]["Config"].rsplit("/", 1)[1])
        elif w == "manifest_digest":
            out.append(oci[0]["manifests"][0]["digest"])
        else:
            raise SystemExit(f"validate.py: unknown fact {w}")
    return out


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    try:
        for line in facts(sys.argv[1], sys.argv[2:]):
            print(line)
    except (Invalid, KeyError, ValueError, tarfile.TarError) as e:
        print(f"validate.py: {sys.argv[1]}: INVALID: {str(e)[:300]}",
              file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
