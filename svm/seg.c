/* SPDX-License-Identifier: MIT */
#include "svm/seg.h"

void vmcb_seg_from_desc(struct vmcb_seg *s, uint16_t sel, uint64_t desc)
{
	uint32_t limit = (uint32_t)((desc & 0xffff) | ((desc >> 32) & 0xf0000));

	s->selector = sel;
	if ((sel & ~3u) == 0) {                 /* null selector */
		s->attrib = 0;
		s->limit = 0;
		s->base = 0;
		return;
	}
	s->attrib = (uint16_t)(((desc >> 40) & 0xff) | (((desc >> 52) & 0xf) << 8));
	if (s->attrib & SEG_ATTR_G)
		limit = (limit << 12) | 0xfff;
	s->limit = limit;
	s->base = ((desc >> 16) & 0xffffff) | (((desc >> 56) & 0xff) << 24);
}
