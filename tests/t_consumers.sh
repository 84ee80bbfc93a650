# t_consumers.sh: the same tarballs in every other consumer a user may
# load them with: containerd, skopeo, a registry (then docker pull), umoci,
# podman, and docker build FROM them. Both architectures.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/daemons.sh"

W=$(mktemp_dir)
daemons_init "$W" || exit 1
trap daemons_stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

i386=no
binfmt_i386_ensure && i386=yes
docker=no
if ! have dockerd; then
	skip "consumers: dockerd and its containerd" "dockerd not installed (apt-get install docker.io)"
elif dockerd_start; then
	docker=yes
else
	fail "consumers: a private dockerd starts" "see its log above"
fi
registry=no
if ! have docker-registry; then
	skip "consumers: registry" "docker-registry not installed (apt-get install docker-registry)"
elif registry_start; then
	registry=yes
else
	fail "consumers: a private docker-registry starts" "see its log above"
fi

# can_run ARCH: whether ARCH programs run here (386 needs ia32 or qemu).
can_run() { [ "$1" = amd64 ] || [ $i386 = yes ]; }

# consumers NAME ARCH: every consumer check for the image built from
# asm/NAME.asm, tagged NAME:latest, for ARCH.
consumers() {
	local name=$1 arch=$2 tar=$W/$1.tar out id
	"$TINYIMG" build -q "$TOP/asm/$name.asm" -o "$tar" || {
		fail "$arch: tinyimg builds asm/$name.asm"
		return
	}
	local ref=docker.io/library/$name:latest
	local cfg
	cfg=$(python3 "$TOP/tests/validate.py" "$tar" config_digest)

	# containerd, as Docker 25+ with the containerd store imports.
	if [ $docker = yes ] && have ctr; then
		ctr_cmd images import "$tar" >"$W/ctr.out" 2>&1
		check "$arch containerd: ctr images import names it from io.containerd.image.name" \
			"$ref" "$(ctr_cmd images ls -q | grep -x "$ref")"
		if can_run "$arch"; then
			check "$arch containerd: ctr run prints the greeting" "Hello World" \
				"$(ctr_cmd run --rm "$ref" "t-$name-$$" 2>&1)"
		else
			skip "$arch containerd: ctr run" "no qemu-i386 binfmt entry"
		fi
	else
		skip "$arch containerd" "no private dockerd/containerd or no ctr"
	fi

	# skopeo: both views of the tarball tell the same story.
	if have skopeo; then
		local fmt='{{.Architecture}} {{.Os}} {{.Layers}}'
		local oci dock
		oci=$(skopeo inspect --format "$fmt" "oci-archive:$tar" 2>&1)
		dock=$(skopeo inspect --format "$fmt" "docker-archive:$tar" 2>&1)
		check "$arch skopeo: oci-archive: shows the architecture and layer digest" \
			"$arch linux [sha256:$(tar -xOf "$tar" manifest.json | python3 -c 'import json,sys;print(json.load(sys.stdin)[0]["Layers"][0].rsplit("/",1)[1])')]" "$oci"
		check "$arch skopeo: docker-archive: agrees with oci-archive:" "$oci" "$dock"
	else
		skip "$arch skopeo" "skopeo not installed"
	fi

	# A registry: skopeo copy, then docker pull and run.
	if [ $registry = yes ] && have skopeo; then
		local remote=$REGISTRY/tiny/$name:1
		if out=$(skopeo copy --dest-tls-verify=false "oci-archive:$tar" "docker://$remote" 2>&1); then
			pass "$arch registry: skopeo copy oci-archive: to docker://$REGISTRY"
		else
			fail "$arch registry: skopeo copy oci-archive: to docker://$REGISTRY" "$out"
		fi
		check "$arch registry: skopeo inspect docker:// sees the architecture" "$arch" \
			"$(skopeo inspect --tls-verify=false --format '{{.Architecture}}' "docker://$remote" 2>&1)"
		if [ $docker = yes ]; then
			"$DOCKER" pull "$remote" >"$W/pull.out" 2>&1
			check "$arch registry: docker pull keeps the image ID (config digest)" "$cfg" \
				"$("$DOCKER" image inspect -f '{{.Id}}' "$remote" 2>&1)"
			if can_run "$arch"; then
				check "$arch registry: docker run of the pulled image" "Hello World" \
					"$("$DOCKER" run --rm --network none "$remote" 2>/dev/null)"
			fi
		fi
	else
		skip "$arch registry" "no private registry or no skopeo"
	fi

	# umoci: unpack the OCI layout into a runtime bundle.
	if have umoci; then
		rm -rf "$W/layout-$name" "$W/bundle-$name"
		mkdir "$W/layout-$name"
		tar -xf "$tar" -C "$W/layout-$name"
		if out=$(umoci unpack --rootless --image "$W/layout-$name:latest" "$W/bundle-$name" 2>&1); then
			pass "$arch umoci: unpack --image LAYOUT:latest"
		else
			fail "$arch umoci: unpack --image LAYOUT:latest" "$out"
		fi
		check "$arch umoci: the bundle's config runs /$name" "[\"/$name\"]" \
			"$(python3 -c 'import json,sys;print(json.dumps(json.load(open(sys.argv[1]))["process"]["args"],separators=(",",":")))' "$W/bundle-$name/config.json" 2>&1)"
		if can_run "$arch"; then
			check "$arch umoci: the unpacked program prints the greeting" "Hello World" \
				"$("$W/bundle-$name/rootfs/$name" 2>&1)"
		fi
	else
		skip "$arch umoci" "umoci not installed"
	fi

	# podman (load and inspect only: podman run is refused in this sandbox).
	if have podman; then
		out=$(podman_cmd load -i "$tar" 2>&1)
		check "$arch podman: load registers the tag" "$ref" \
			"$(podman_cmd images --format '{{.Repository}}:{{.Tag}}' 2>&1 | grep -x "$ref")"
		check "$arch podman: inspect sees architecture and entrypoint" "$arch [/$name]" \
			"$(podman_cmd image inspect --format '{{.Architecture}} {{.Config.Entrypoint}}' "$ref" 2>&1)"
	else
		skip "$arch podman" "podman not installed"
	fi

	# Docker: the image as a base image of a classic docker build.
	if [ $docker = yes ]; then
		"$DOCKER" load -i "$tar" >/dev/null 2>&1
		mkdir -p "$W/ctx-$name"
		echo "from the child" >"$W/ctx-$name/note.txt"
		printf 'FROM %s\nCOPY note.txt /note.txt\nLABEL child=yes\n' "$name" >"$W/ctx-$name/Dockerfile"
		if out=$(DOCKER_BUILDKIT=0 "$DOCKER" build --network none -q -t "child-$name" "$W/ctx-$name" 2>&1); then
			pass "$arch docker build: FROM the image builds a child"
		else
			fail "$arch docker build: FROM the image builds a child" "$out"
		fi
		if can_run "$arch"; then
			check "$arch docker build: the child runs the parent's program" "Hello World" \
				"$("$DOCKER" run --rm --network none "child-$name" 2>/dev/null)"
		fi
		check "$arch docker build: the child has two layers, ours first" \
			"2 $(tar -xOf "$tar" manifest.json | python3 -c 'import json,sys;print(json.load(sys.stdin)[0]["Layers"][0].rsplit("/",1)[1])')" \
			"$("$DOCKER" image inspect -f '{{len .RootFS.Layers}} {{index .RootFS.Layers 0}}' "child-$name" | sed 's/sha256://')"
	fi
}

consumers hello 386
consumers hello64 amd64

# Several tags: containerd shows every one (Docker's view is in t_docker.sh).
if [ $docker = yes ] && have ctr; then
	"$TINYIMG" build -q "$TOP/asm/hello64.asm" -t multi:one -t multi:two \
		-t registry.example:5000/team/multi:3 -o "$W/multi.tar"
	ctr_cmd images import "$W/multi.tar" >/dev/null 2>&1
	check "containerd: ctr images import shows every tag" \
		"docker.io/library/multi:one docker.io/library/multi:two registry.example:5000/team/multi:3" \
		"$(ctr_cmd images ls -q | grep multi | sort | tr '\n' ' ' | sed 's/ $//')"
	if have skopeo; then
		check "skopeo: with several tags, oci-archive:FILE:TAG picks one" "amd64" \
			"$(skopeo inspect --format '{{.Architecture}}' "oci-archive:$W/multi.tar:two" 2>&1)"
	fi
	"$TINYIMG" build -q "$TOP/asm/hello64.asm" --format oci -t oci-only -o "$W/oci.tar"
	ctr_cmd images import "$W/oci.tar" >/dev/null 2>&1
	check "containerd: an --format oci tarball (no manifest.json) imports and runs" "Hello World" \
		"$(ctr_cmd run --rm docker.io/library/oci-only:latest "t-oci-$$" 2>&1)"
fi
