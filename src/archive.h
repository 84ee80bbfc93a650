/* archive: read any image tarball (tinyimg's, docker save from Docker 20.10
 * and 25+, skopeo/podman/buildah docker-archive and oci-archive, gzip
 * outer) into the image model, verifying every byte once.
 *
 * One pass reads the stream: each member is hashed as it passes, a layer
 * (a tar, or a gzip of one) is inflated and listed on the way, so memory
 * stays flat whatever the sizes. A stream that cannot be read again (stdin,
 * or a gzip-compressed archive) is spooled, uncompressed, to a temporary
 * file, so that JSON documents and files inside layers can be read later
 * at their offsets. Then the documents are parsed, the images assembled
 * from both views (index.json and manifest.json), and every problem is
 * put in the report. */
#ifndef TINYIMG_ARCHIVE_H
#define TINYIMG_ARCHIVE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "json.h"
#include "model.h"
#include "report.h"

/* What a member's bytes turned out to be. */
enum archive_content {
	ARCHIVE_OTHER, /* JSON, text, anything else */
	ARCHIVE_TAR,   /* an uncompressed tar: a layer */
	ARCHIVE_GZIP,  /* gzip: inflated and, when a tar, listed */
	ARCHIVE_ZSTD,  /* zstd: hashed only */
};

/* One entry of a layer. */
struct archive_file {
	char *name;         /* as in the layer; see name_len */
	size_t name_len;
	char *link;         /* symlink or hard link target, or NULL */
	char type;          /* '0', '1', '2', '5', ... */
	unsigned mode;
	uint64_t uid, gid, size;
	uint64_t offset;    /* of its data in the uncompressed layer */
};

struct archive_member {
	char *name;         /* normalized: no "./" in front, no '/' behind */
	size_t name_len;
	char *link;         /* symlink or hard link target, or NULL */
	char type;
	unsigned mode;
	uint64_t size;
	uint64_t offset;    /* of its data in the plain tar (archive.fd) */
	struct model_digest sha;
	enum archive_content content;
	/* Layers (tar or gzip content): */
	int read_ok;        /* inflated and listed to the end */
	char *error;        /* why not, or NULL */
	struct model_digest diff; /* sha256 of the uncompressed bytes */
	uint64_t usize;     /* uncompressed size */
	struct archive_file *files;
	size_t nfiles;
	size_t *by_name;    /* files' indexes sorted by name, then index;
	                       made at the first lookup */
	uint64_t files_dropped; /* entries not kept (over the limit) */
	int referenced;     /* some manifest names it */
};

/* A layer of an image: its descriptor and the member holding it. */
struct archive_layer {
	struct model_descriptor desc;  /* from the manifest, or made from the
	                                  member for docker's manifest.json */
	struct archive_member *blob;   /* NULL when missing */
};

struct archive_image {
	char **tags;        /* "hello:latest", from both views */
	size_t ntags;
	size_t tags_dropped; /* past the number kept */
	char **names;       /* "docker.io/library/hello:latest" */
	size_t nnames;
	struct model_platform platform;
	struct model_digest config_digest;
	struct archive_member *config_blob;
	struct model_config config;
	int has_config;
	int has_manifest;   /* found through index.json */
	struct model_digest manifest_digest;
	uint64_t manifest_size;
	struct archive_layer *layers;
	size_t nlayers;
	int in_docker, in_oci; /* which views list it */
	int attestation;    /* a BuildKit attestation: listed, not an image */
};

struct archive {
	const char *name;   /* for messages: the path, or "stdin" */
	int fd;             /* the plain tar: the input or the spool */
	struct stat st;     /* the input file as read (not the spool) */
	int have_st;
	int own_fd;
	char *spool;        /* the spool file, or NULL */
	int gzip;           /* the input was gzip-compressed */
	uint64_t input_size;/* bytes read from the input */
	uint64_t tar_size;  /* bytes of the plain tar */
	int ended;          /* the tar's end blocks were there */
	struct archive_member *m;
	size_t n;
	struct archive_member **sorted; /* by name, for lookups */
	struct archive_image *images;
	size_t nimages;
	int has_index, has_docker_manifest;
	uint64_t json_bytes; /* JSON parsed so far, against a budget */
	uint64_t visits;     /* manifests and indexes followed so far */
	uint64_t too_deep;   /* indexes past the nesting limit */
	struct archive_seen *seen; /* those already read, by digest */
	size_t nseen, seen_cap;
	struct report report;
	/* The last bytes archive_read_content() inflated from a gzip layer:
	 * images that share a layer and a program read it once. */
	const struct archive_member *last_m;
	uint64_t last_offset;
	size_t last_len;
	unsigned char *last;
	int64_t last_got;
};

/* A manifest or index already read: the image a manifest made, or the
 * index's list of manifests, so that naming it again reads nothing. */
struct archive_seen {
	struct model_digest digest;
	int used;
	int manifest;                 /* 1: a manifest, 0: an index */
	size_t image;                 /* a manifest's image, in images[] */
	struct model_index *index;    /* an index's manifests */
};

/* Options for reading. */
struct archive_options {
	int progress;       /* show a progress line on stderr (a terminal) */
	int keep_files;     /* keep every layer entry (as archive_member.files,
	                       within the budget): inspect lists them, --base
	                       places files among them */
};

/* Read PATH ("-": standard input) into AR. 0 when the archive could be
 * read to its end (its problems, if any, are in AR->report), -1 after a
 * message when it could not be opened or read at all. Free AR with
 * archive_free in both cases. */
int archive_read(const char *path, const struct archive_options *opt,
                 struct archive *ar);

void archive_free(struct archive *ar);

/* Check that the archive's file is the one that was read and verified
 * (same file, size and times): its blobs are copied from it later. 0, or
 * -1 after a message when it changed. A spooled archive is ours. */
int archive_unchanged(const struct archive *ar);

/* The member called NAME (normalized), or NULL. */
struct archive_member *archive_find(const struct archive *ar,
                                    const char *name);

/* IMG's platform: the config's os, architecture and variant (what runs),
 * each taken from the index's descriptor when the config lacks it. The
 * strings belong to IMG. */
struct model_platform archive_image_platform(const struct archive_image *img);

/* "os/arch[/variant]" of IMG ("?" for what is unknown) into BUF. */
void archive_platform_text(const struct archive_image *img, char *buf,
                           size_t len);

/* Read LEN bytes at OFFSET of the member M's uncompressed content (its
 * bytes, or the inflated bytes of a gzip member) into BUF. Returns the
 * count read (short at the end), or -1 after a message. */
int64_t archive_read_content(struct archive *ar,
                             const struct archive_member *m, uint64_t offset,
                             void *buf, size_t len);

/* The entry NAME (clean and relative: "usr/bin") as IMG's layers show it,
 * links not followed: the last entry of that name in the topmost layer
 * holding one, unless a whiteout above hides it. NULL when absent (or not
 * kept). */
const struct archive_file *archive_image_entry(
	const struct archive_image *img, const char *name);

/* The bytes of names looked at, over all the lookups of one question
 * (the entry program through every PATH folder), past which
 * archive_image_file() gives up: a hostile path cannot cost minutes. */
#define ARCHIVE_LOOKUP_WORK ((uint64_t)1 << 28)

/* The file PATH ("/hello", "bin/sh") as IMAGE's layers show it, upper
 * layers first, following symbolic and hard links inside the image (at
 * most 40, as the kernel). Sets *LAYER to the layer member holding it.
 * NULL when absent or not a regular file, or when *WORK (the bytes looked
 * at so far, added to) passes ARCHIVE_LOOKUP_WORK. */
const struct archive_file *archive_image_file(
	const struct archive_image *img, const char *path,
	const struct archive_member **layer, uint64_t *work);

#endif
