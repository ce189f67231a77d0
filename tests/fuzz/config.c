/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: svmhv's option parser (boot/config.c) on any text, as
 * svmhv.cfg and as load options (the first byte picks). Invariants: a
 * failed parse leaves the config exactly as it was and names an error
 * code; strings stay NUL-terminated within their maximum; the heap is auto
 * (0) or in range, and what heap=auto reserves for any CPU count is in range;
 * the summary line is NUL-terminated in any buffer size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/config.h"

#define NEED(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hv_config c, before;
	struct config_error e;
	char line[64], *text;
	int rc;

	if (!size)
		return 0;
	config_defaults(&c);
	before = c;
	text = malloc(size - 1 ? size - 1 : 1);
	memcpy(text, data + 1, size - 1);
	rc = (data[0] & 1) ? config_parse_options(&c, text, size - 1, &e) :
			     config_parse_file(&c, text, size - 1, &e);
	if (rc) {
		NEED(memcmp(&c, &before, sizeof(c)) == 0);
		NEED(e.code == rc && memchr(e.msg, 0, sizeof(e.msg)));
	} else {
		NEED(memchr(c.next, 0, sizeof(c.next)) && memchr(c.args, 0, sizeof(c.args)));
		NEED(c.heap_mib == 0 ||         /* auto */
		     (c.heap_mib >= CONFIG_HEAP_MIN_MIB && c.heap_mib <= CONFIG_HEAP_MAX_MIB));
		for (uint32_t n = 1; n <= 4096; n *= 4) {
			uint32_t h = config_heap_mib(&c, n);

			NEED(h >= CONFIG_HEAP_MIN_MIB && h <= CONFIG_HEAP_MAX_MIB);
			NEED(c.heap_mib ? h == c.heap_mib : h >= CONFIG_DEFAULT_HEAP_MIB);
		}
		NEED(c.log_level <= CONFIG_LOG_TRACE && c.shutdown <= 1);
	}
	NEED(config_format(&c, line, (size_t)(data[0] >> 2)) < (int)sizeof(line));
	free(text);
	return 0;
}
