/* SPDX-License-Identifier: MIT */
/*
 * The microcode container parser (hv/ucode/container.c) on the real files of
 * Debian's amd64-microcode package, which scripts/microcode.sh fetches into
 * build/microcode/ (tests/suites/10-unit.sh runs it; SVMHV_UCODE_DIR names
 * another directory). Every file must parse; every CPU signature of every
 * equivalence table must select a patch with its equivalence ID; then each
 * file is corrupted (truncated at every section boundary and around it, every
 * length field flipped or zeroed, magic and types changed) and each copy must
 * give a clean error with nothing selected, or, cut exactly at a section
 * boundary, a valid file with fewer patches. Skipped, with a message, when
 * the files are not there.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/ucode/container.h"

#define DEFAULT_DIR     "build/microcode/root/lib/firmware/amd-ucode"
#define MAX_FILES       16
#define MAX_SECTIONS    256

struct file {
	char name[64];
	uint8_t *data;
	size_t len;
	/* Found independently here (simple reader, trusted input): */
	size_t nsec;
	size_t sec[MAX_SECTIONS];       /* offsets of every section header, containers too */
	uint32_t len_field[MAX_SECTIONS];       /* offset of each size field */
	size_t nsig;
	uint32_t sig[MAX_SECTIONS];     /* CPU signatures of the tables */
	uint16_t sig_id[MAX_SECTIONS];
	unsigned patches;
};

static struct file files[MAX_FILES];
static unsigned nfiles;
static const char *dir;

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The layout, read the simple way (the files are AMD's, this is the oracle). */
static void index_file(struct file *f)
{
	size_t at = 0;

	while (at + 12 <= f->len && f->nsec < MAX_SECTIONS) {
		uint32_t tsize = rd32(f->data + at + 8);

		f->sec[f->nsec] = at;
		f->len_field[f->nsec++] = (uint32_t)at + 8;
		for (size_t e = at + 12; e < at + 12 + tsize; e += 16)
			if (rd32(f->data + e) && f->nsig < MAX_SECTIONS) {
				f->sig[f->nsig] = rd32(f->data + e);
				f->sig_id[f->nsig++] = (uint16_t)(f->data[e + 12] | f->data[e + 13] << 8);
			}
		at += 12 + tsize;
		while (at + 8 <= f->len && rd32(f->data + at) == UCODE_TYPE_PATCH &&
		       f->nsec < MAX_SECTIONS) {
			f->sec[f->nsec] = at;
			f->len_field[f->nsec++] = (uint32_t)at + 4;
			f->patches++;
			at += 8 + rd32(f->data + at + 4);
		}
	}
}

static int load_files(void **state)
{
	struct dirent *d;
	DIR *dp;

	(void)state;
	dir = getenv("SVMHV_UCODE_DIR") ? getenv("SVMHV_UCODE_DIR") : DEFAULT_DIR;
	dp = opendir(dir);
	if (!dp)
		return 0;
	while ((d = readdir(dp)) && nfiles < MAX_FILES) {
		char path[512];
		struct file *f = &files[nfiles];
		FILE *fp;
		long n;

		if (strncmp(d->d_name, "microcode_amd", 13) || !strstr(d->d_name, ".bin") ||
		    strlen(d->d_name) >= sizeof(f->name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		fp = fopen(path, "rb");
		if (!fp)
			continue;
		fseek(fp, 0, SEEK_END);
		n = ftell(fp);
		rewind(fp);
		f->data = malloc((size_t)n + 16);
		f->len = fread(f->data, 1, (size_t)n, fp);
		fclose(fp);
		snprintf(f->name, sizeof(f->name), "%.63s", d->d_name);
		index_file(f);
		nfiles++;
	}
	closedir(dp);
	return 0;
}

static int free_files(void **state)
{
	(void)state;
	for (unsigned i = 0; i < nfiles; i++)
		free(files[i].data);
	return 0;
}

static void need_files(void)
{
	if (nfiles)
		return;
	print_message("# no %s/microcode_amd*.bin: run scripts/microcode.sh to fetch Debian's "
		      "amd64-microcode (needs the network once)\n", dir);
	skip();
}

/* Every file parses; every signature of its tables selects a patch with its ID. */
static void test_real_files_parse(void **state)
{
	unsigned patches = 0, sigs = 0, found = 0;

	(void)state;
	need_files();
	for (unsigned i = 0; i < nfiles; i++) {
		struct file *f = &files[i];
		struct ucode_scan s;

		assert_int_equal(ucode_scan(f->data, f->len, 0, &s), UCODE_OK);
		assert_false(s.found);
		assert_int_equal(s.patches, f->patches);
		assert_true(s.patches > 0 && s.containers > 0);
		for (size_t k = 0; k < f->nsig; k++) {
			assert_int_equal(ucode_scan(f->data, f->len, f->sig[k], &s), UCODE_OK);
			assert_int_equal(s.equiv_id, f->sig_id[k]);
			if (!s.found)
				continue;       /* a table entry whose patch AMD dropped */
			found++;
			/* The selected header really is a patch for that ID. */
			assert_int_equal(f->data[s.offset + UCODE_PROC_REV_OFF] |
					 f->data[s.offset + UCODE_PROC_REV_OFF + 1] << 8, s.equiv_id);
			assert_int_equal(rd32(f->data + s.offset + UCODE_PATCH_ID_OFF), s.patch_id);
			assert_true(s.offset + s.size <= f->len);
			assert_int_equal(ucode_patch_family(s.equiv_id), ucode_family(f->sig[k]));
		}
		print_message("# %s: %zu bytes, %u container(s), %u patches, %zu signatures\n",
			      f->name, f->len, s.containers, s.patches, f->nsig);
		patches += s.patches;
		sigs += (unsigned)f->nsig;
	}
	print_message("# %u real files, %u patches, %u CPU signatures (%u with a patch)\n",
		      nfiles, patches, sigs, found);
	assert_true(found > 0);
}

/* The file's name says its family; a family's CPU finds its file. */
static void test_real_file_names(void **state)
{
	(void)state;
	need_files();
	for (unsigned i = 0; i < nfiles; i++)
		for (size_t k = 0; k < files[i].nsig; k++) {
			char name[32];

			ucode_file_name(ucode_family(files[i].sig[k]), name, sizeof(name));
			assert_string_equal(name, files[i].name);
		}
}

static void expect_rejected(const uint8_t *b, size_t len, uint32_t sig)
{
	struct ucode_scan s;
	int rc = ucode_scan(b, len, sig, &s);

	assert_true(rc < 0);
	assert_false(s.found);
	assert_int_equal(s.patch_id, 0);
	assert_true(s.err_offset <= len || rc == UCODE_ETOOBIG);
}

/* Cut at and around every section boundary, and at every 97th byte. */
static void test_real_truncated(void **state)
{
	unsigned cuts = 0;

	(void)state;
	need_files();
	for (unsigned i = 0; i < nfiles; i++) {
		struct file *f = &files[i];
		uint32_t sig = f->nsig ? f->sig[0] : 0;

		for (size_t len = 0; len < f->len; len++) {
			bool boundary = false, near = len % 97 == 0 || len < 16;
			struct ucode_scan s;

			for (size_t k = 1; k < f->nsec; k++) {
				boundary |= f->sec[k] == len && len > f->sec[0] + 12;
				near |= f->sec[k] + 2 >= len && f->sec[k] <= len + 14;
			}
			if (!near && !boundary)
				continue;
			cuts++;
			if (boundary) {         /* a valid container, fewer patches */
				assert_int_equal(ucode_scan(f->data, len, sig, &s), UCODE_OK);
				assert_true(s.patches < f->patches);
			} else {
				expect_rejected(f->data, len, sig);
			}
		}
	}
	print_message("# %u truncated copies\n", cuts);
}

/* Every length field zeroed, off by one and four, and huge; magic and types. */
static void test_real_fields(void **state)
{
	static const int64_t delta[] = { 1, -1, 4, -4, 16, -16 };
	unsigned copies = 0;

	(void)state;
	need_files();
	for (unsigned i = 0; i < nfiles; i++) {
		struct file *f = &files[i];
		uint8_t *b = malloc(f->len);
		uint32_t sig = f->nsig ? f->sig[0] : 0;

		for (size_t k = 0; k < f->nsec; k++) {
			uint32_t at = f->len_field[k], orig = rd32(f->data + at);
			uint32_t vals[2 + sizeof(delta) / sizeof(delta[0])] = { 0, 0xffffffffu };

			for (unsigned d = 0; d < sizeof(delta) / sizeof(delta[0]); d++)
				vals[2 + d] = (uint32_t)(orig + delta[d]);
			for (unsigned v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
				memcpy(b, f->data, f->len);
				memcpy(b + at, &vals[v], 4);
				expect_rejected(b, f->len, sig);
				copies++;
			}
			/* The section's type (or a container's magic). */
			memcpy(b, f->data, f->len);
			b[f->sec[k]] ^= 0x02;
			expect_rejected(b, f->len, sig);
			copies++;
		}
		free(b);
	}
	print_message("# %u copies with a changed length, type or magic\n", copies);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_files_parse),
		cmocka_unit_test(test_real_file_names),
		cmocka_unit_test(test_real_truncated),
		cmocka_unit_test(test_real_fields),
	};

	return cmocka_run_group_tests(tests, load_files, free_files);
}
