/* ref: image references (NAME[:TAG]) checked by Docker's grammar. */
#ifndef TINYIMG_REF_H
#define TINYIMG_REF_H

/* A parsed reference; strings are owned by the struct (ref_free). */
struct ref {
	char *familiar; /* as docker shows it, tag explicit: "hello:latest" */
	char *full;     /* normalized: "docker.io/library/hello:latest" */
	char *tag;      /* "latest" */
};

/* Parse TEXT ("hello", "me/app:1.0", "localhost:5000/x:y"); the tag
 * defaults to "latest". 0, or -1 with *WHY saying what is wrong. */
int ref_parse(const char *text, struct ref *r, const char **why);

void ref_free(struct ref *r);

#endif
