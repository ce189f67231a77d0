/* SPDX-License-Identifier: MIT */
/*
 * cfgcheck FILE: parse FILE as an svmhv.cfg with svmhv's own parser (boot/config.c)
 * and print the resulting options as svmhv's boot log would (config_format), or the
 * parser's message. Exit status 0 if svmhv would accept the file, 1 if it would
 * refuse to start, 2 on a usage or I/O error. tests/suites/07-platform.sh runs it
 * on the svmhv.cfg template that `make esp` writes.
 */
#include <stdio.h>
#include <stdlib.h>

#include "boot/config.h"

#define FILE_MAX        (64u * 1024u)   /* far above any sane svmhv.cfg */

int main(int argc, char **argv)
{
	static char text[FILE_MAX];
	struct config_error err = { 0 };
	struct hv_config c;
	char line[2 * CONFIG_ARGS_MAX];
	size_t len;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s svmhv.cfg\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 2;
	}
	len = fread(text, 1, sizeof(text), f);
	fclose(f);
	if (len == sizeof(text)) {
		fprintf(stderr, "%s: larger than %u bytes\n", argv[1], FILE_MAX);
		return 2;
	}
	config_defaults(&c);
	if (config_parse_file(&c, text, len, &err) != 0) {
		printf("refused: %s\n", err.msg);
		return 1;
	}
	config_format(&c, line, sizeof(line));
	printf("options: %s\n", line);
	return 0;
}
