/* SPDX-License-Identifier: MIT */
/*
 * The AMD microcode container parser (layout in hv/ucode/container.h).
 * One pass over the file: every header is bounds-checked before it is read,
 * every size against what is left, never by adding (no wrap-around), and the
 * first inconsistency rejects the file. See: Linux
 * arch/x86/kernel/cpu/microcode/amd.c (verify_container, verify_patch).
 */
#include "hv/ucode/container.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t ucode_family(uint32_t eax)
{
	uint32_t f = (eax >> 8) & 0xf;

	return f == 0xf ? f + ((eax >> 20) & 0xff) : f;
}

uint32_t ucode_model(uint32_t eax)
{
	uint32_t m = (eax >> 4) & 0xf;

	return ((eax >> 8) & 0xf) == 0xf ? m | ((eax >> 12) & 0xf0) : m;
}

uint32_t ucode_stepping(uint32_t eax)
{
	return eax & 0xf;
}

uint32_t ucode_patch_family(uint16_t proc_rev_id)
{
	return 0xfu + (proc_rev_id >> 12);
}

/* One file being scanned. */
struct scan {
	const uint8_t *b;
	size_t len;
	uint32_t eax, family;
	struct ucode_scan *out;
};

static int fail(struct scan *s, int code, size_t at)
{
	s->out->found = false;
	s->out->patch_id = s->out->offset = s->out->size = 0;
	s->out->err_offset = (uint32_t)at;
	return code;
}

/* The equivalence table at `at`, `size` bytes: this CPU's equiv_cpu or 0. */
static int equiv_table(struct scan *s, size_t at, uint32_t size, uint16_t *id)
{
	*id = 0;
	if (size == 0 || size % UCODE_EQUIV_ENTRY || size / UCODE_EQUIV_ENTRY > UCODE_EQUIV_MAX)
		return fail(s, UCODE_EEQUIV, at - 4);
	if (size > s->len - at)
		return fail(s, UCODE_ETRUNC, at - 4);
	for (size_t e = at; e < at + size; e += UCODE_EQUIV_ENTRY) {
		uint32_t cpu = le32(s->b + e);

		if (cpu == 0)
			break;                  /* the terminating entry */
		s->out->equiv_entries++;
		if (cpu == s->eax && *id == 0)
			*id = le16(s->b + e + 12);
	}
	return 0;
}

/* The patch section at `at`; on success *next is the offset after it. */
static int patch_section(struct scan *s, size_t at, uint16_t equiv, size_t *next)
{
	uint32_t type = le32(s->b + at), size = le32(s->b + at + 4), fam, pid;
	const uint8_t *p = s->b + at + UCODE_SECTION_HDR;
	uint16_t rev;

	if (type != UCODE_TYPE_PATCH)
		return fail(s, UCODE_ETYPE, at);
	if (size < UCODE_PATCH_HDR || size > UCODE_PATCH_MAX)
		return fail(s, UCODE_ESIZE, at + 4);
	if (size > s->len - at - UCODE_SECTION_HDR)
		return fail(s, UCODE_ETRUNC, at + 4);
	if (le32(p + UCODE_NB_DEV_OFF) || le32(p + UCODE_SB_DEV_OFF))
		return fail(s, UCODE_ECHIPSET, at + UCODE_SECTION_HDR + UCODE_NB_DEV_OFF);
	rev = le16(p + UCODE_PROC_REV_OFF);
	fam = ucode_patch_family(rev);
	if (fam < 0x10)
		return fail(s, UCODE_EFAMILY, at + UCODE_SECTION_HDR + UCODE_PROC_REV_OFF);
	if (fam < 0x15 && size > UCODE_PATCH_MAX_F1X)
		return fail(s, UCODE_ESIZE, at + 4);
	s->out->patches++;
	pid = le32(p + UCODE_PATCH_ID_OFF);
	if (equiv && rev == equiv && fam == s->family && (!s->out->found || pid > s->out->patch_id)) {
		s->out->found = true;
		s->out->equiv_id = equiv;
		s->out->patch_id = pid;
		s->out->offset = (uint32_t)(at + UCODE_SECTION_HDR);
		s->out->size = size;
	}
	*next = at + UCODE_SECTION_HDR + size;
	return 0;
}

/* One container at `at`: header, table, then its patches; *next as above. */
static int container(struct scan *s, size_t at, size_t *next)
{
	uint32_t size;
	uint16_t equiv;
	int rc;

	if (s->len - at < UCODE_CONTAINER_HDR)
		return fail(s, at ? UCODE_ETRUNC : UCODE_EEMPTY, at);
	if (le32(s->b + at) != UCODE_MAGIC)
		return fail(s, UCODE_EMAGIC, at);
	if (le32(s->b + at + 4) != UCODE_TYPE_EQUIV)
		return fail(s, UCODE_EEQUIV, at + 4);
	size = le32(s->b + at + 8);
	rc = equiv_table(s, at + UCODE_CONTAINER_HDR, size, &equiv);
	if (rc)
		return rc;
	s->out->containers++;
	if (equiv && !s->out->equiv_id)
		s->out->equiv_id = equiv;       /* until a patch is selected */
	at += UCODE_CONTAINER_HDR + size;
	while (at < s->len) {
		if (s->len - at >= 4 && le32(s->b + at) == UCODE_MAGIC)
			break;                  /* the next container */
		if (s->len - at < UCODE_SECTION_HDR)
			return fail(s, UCODE_ETRUNC, at);
		rc = patch_section(s, at, equiv, &at);
		if (rc)
			return rc;
	}
	*next = at;
	return 0;
}

int ucode_scan(const void *buf, size_t len, uint32_t cpuid1_eax, struct ucode_scan *out)
{
	struct scan s = { buf, len, cpuid1_eax, ucode_family(cpuid1_eax), out };
	size_t at = 0;

	if (!out)
		return UCODE_EINVAL;
	*out = (struct ucode_scan){ 0 };
	if (!buf)
		return fail(&s, UCODE_EINVAL, 0);
	if (len > UCODE_FILE_MAX)
		return fail(&s, UCODE_ETOOBIG, UCODE_FILE_MAX);
	if (len < UCODE_CONTAINER_HDR)
		return fail(&s, UCODE_EEMPTY, 0);
	while (at < len) {
		int rc = container(&s, at, &at);

		if (rc)
			return rc;
	}
	return UCODE_OK;
}

const char *ucode_strerror(int status)
{
	switch (status) {
	case UCODE_OK:          return "ok";
	case UCODE_EINVAL:      return "no data";
	case UCODE_EEMPTY:      return "empty or shorter than a container header";
	case UCODE_ETOOBIG:     return "file too large (over 1 MiB)";
	case UCODE_EMAGIC:      return "not an AMD microcode container (no \"DMA\\0\" magic)";
	case UCODE_EEQUIV:      return "bad equivalence table (type, or size 0 or not whole entries)";
	case UCODE_ETRUNC:      return "truncated: a header or section runs past the end of the file";
	case UCODE_ETYPE:       return "unknown section type";
	case UCODE_ESIZE:       return "bad patch size (shorter than its header or over the maximum)";
	case UCODE_ECHIPSET:    return "chipset patch (north/south bridge ID set)";
	case UCODE_EFAMILY:     return "patch for no known family (processor_rev_id)";
	default:                return "unknown error";
	}
}

int ucode_file_name(uint32_t family, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char name[32] = "microcode_amd";
	size_t n = 13;

	if (family >= 0x15) {
		name[n++] = '_';
		name[n++] = 'f';
		name[n++] = 'a';
		name[n++] = 'm';
		name[n++] = hex[(family >> 4) & 0xf];
		name[n++] = hex[family & 0xf];
		name[n++] = 'h';
	}
	for (const char *p = ".bin"; *p; p++)
		name[n++] = *p;
	if (!buf || n >= len)
		return -1;
	for (size_t i = 0; i <= n; i++)
		buf[i] = name[i];
	return (int)n;
}

enum ucode_action ucode_decide(const struct ucode_scan *s, uint32_t running)
{
	if (!s || !s->found)
		return UCODE_NO_PATCH;
	return running >= s->patch_id ? UCODE_UP_TO_DATE : UCODE_LOAD;
}
