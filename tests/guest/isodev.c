/* SPDX-License-Identifier: MIT */
/* Devices for tests/guest/isoattack.c. See isodev.h. */
#define _GNU_SOURCE
#include "isodev.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- memory ---- */

int page_alloc(struct page *p)
{
	uint64_t e = 0;
	int fd;
	void *va = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
			-1, 0);

	if (va == MAP_FAILED || mlock(va, 4096))
		return -1;
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || pread(fd, &e, 8, (off_t)((uintptr_t)va / 4096 * 8)) != 8) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if (!(e >> 63) || !(e & ((1ull << 55) - 1)))
		return -1;              /* not present, or no PFNs (needs root) */
	p->va = va;
	p->pa = (e & ((1ull << 55) - 1)) << 12;
	return 0;
}

volatile uint8_t *devmem_map(uint64_t pa, size_t len)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
	void *va;

	if (fd < 0)
		return NULL;
	va = mmap(0, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)pa);
	close(fd);
	return va == MAP_FAILED ? NULL : va;
}

/* ---- PCI config through sysfs ---- */

void pci_path(char *buf, size_t n, unsigned dev, unsigned fn)
{
	snprintf(buf, n, "/sys/bus/pci/devices/0000:00:%02x.%u", dev, fn);
}

uint32_t cfg_read(const char *dev, unsigned off, unsigned size)
{
	char p[400];
	uint32_t v = 0;
	int fd;

	snprintf(p, sizeof(p), "%s/config", dev);
	fd = open(p, O_RDONLY);
	if (fd < 0 || pread(fd, &v, size, off) != (ssize_t)size)
		v = ~0u;
	if (fd >= 0)
		close(fd);
	return v;
}

void cfg_write(const char *dev, unsigned off, unsigned size, uint32_t v)
{
	char p[400];
	int fd;

	snprintf(p, sizeof(p), "%s/config", dev);
	fd = open(p, O_WRONLY);
	if (fd >= 0) {
		if (pwrite(fd, &v, size, off) != (ssize_t)size)
			perror("config write");
		close(fd);
	}
}

/* ---- edu ---- */

static int read_hex(const char *dev, const char *file, unsigned *out)
{
	char p[160], buf[32] = "";
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dev, file);
	f = fopen(p, "r");
	if (!f)
		return -1;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	*out = (unsigned)strtoul(buf, NULL, 0);
	return 0;
}

static int find_edu(struct edu *e)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *de;
	unsigned id, b, dv, fn;

	while (d && (de = readdir(d))) {
		snprintf(e->dev, sizeof(e->dev), "/sys/bus/pci/devices/%s", de->d_name);
		if (read_hex(e->dev, "device", &id) == 0 && id == 0x11e8 &&
		    sscanf(de->d_name, "%*x:%x:%x.%x", &b, &dv, &fn) == 3) {
			e->bdf = (uint16_t)(b << 8 | dv << 3 | fn);
			closedir(d);
			return 0;
		}
	}
	if (d)
		closedir(d);
	return -1;
}

int edu_open(struct edu *e)
{
	char p[400];
	int fd;
	unsigned cap;

	memset(e, 0, sizeof(*e));
	if (find_edu(e))
		return -1;
	snprintf(p, sizeof(p), "%s/enable", e->dev);
	fd = open(p, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			perror("enable");
		close(fd);
	}
	cfg_write(e->dev, 4, 2, cfg_read(e->dev, 4, 2) | 0x6);  /* memory + bus master */
	snprintf(p, sizeof(p), "%s/resource0", e->dev);
	fd = open(p, O_RDWR | O_SYNC);
	e->bar = fd < 0 ? MAP_FAILED : mmap(0, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (fd >= 0)
		close(fd);
	if (e->bar == MAP_FAILED)
		return -1;
	read_hex(e->dev, "irq", &e->irq);
	for (cap = cfg_read(e->dev, 0x34, 1); cap >= 0x40 && cap < 0x100;
	     cap = cfg_read(e->dev, cap + 1, 1))
		if (cfg_read(e->dev, cap, 1) == 0x05)
			e->msi = cap;
	return 0;
}

static void w64(struct edu *e, unsigned off, uint64_t v)
{
	*(volatile uint64_t *)(e->bar + off) = v;
}

static uint64_t r64(struct edu *e, unsigned off)
{
	return *(volatile uint64_t *)(e->bar + off);
}

int edu_dma(struct edu *e, uint64_t ram, uint32_t len, bool to_ram)
{
	if (len > EDU_MAX)
		len = EDU_MAX;
	w64(e, 0x80, to_ram ? EDU_BUF : ram);
	w64(e, 0x88, to_ram ? ram : EDU_BUF);
	w64(e, 0x90, len);
	w64(e, 0x98, 1 | (to_ram ? 2 : 0));
	for (int i = 0; i < 3000 && (r64(e, 0x98) & 1); i++)
		usleep(1000);           /* QEMU runs it 100 ms later */
	return (r64(e, 0x98) & 1) ? -1 : 0;
}

void edu_raise(struct edu *e)
{
	*(volatile uint32_t *)(e->bar + 0x60) = 1;
	usleep(200);
	*(volatile uint32_t *)(e->bar + 0x64) = 1;
}

/* ---- fw_cfg ---- */

#define FWCFG_SEL       0x510
#define FWCFG_DATA      0x511
#define FWCFG_DMA_HI    0x514
#define FWCFG_DMA_LO    0x518

bool fwcfg_present(void)
{
	if (iopl(3))
		return false;
	outw(0, FWCFG_SEL);
	return inb(FWCFG_DATA) == 'Q' && inb(FWCFG_DATA) == 'E' && inb(FWCFG_DATA) == 'M' &&
	       inb(FWCFG_DATA) == 'U';
}

void fwcfg_dma_start(uint64_t desc_pa)
{
	outl(__builtin_bswap32((uint32_t)(desc_pa >> 32)), FWCFG_DMA_HI);
	outl(__builtin_bswap32((uint32_t)desc_pa), FWCFG_DMA_LO);
}

void fwcfg_desc(volatile uint8_t *d, uint32_t control, uint32_t len, uint64_t addr)
{
	uint32_t c = __builtin_bswap32(control), l = __builtin_bswap32(len);
	uint64_t a = __builtin_bswap64(addr);

	memcpy((void *)d, &c, 4);
	memcpy((void *)(d + 4), &l, 4);
	memcpy((void *)(d + 8), &a, 8);
}

uint32_t fwcfg_desc_control(volatile const uint8_t *d)
{
	uint32_t c;

	memcpy(&c, (const void *)d, 4);
	return __builtin_bswap32(c);
}

static uint32_t be_read(unsigned n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 8 | inb(FWCFG_DATA);
	return v;
}

int fwcfg_find(const char *name, uint32_t *size)
{
	uint32_t count;

	outw(0x19, FWCFG_SEL);          /* FW_CFG_FILE_DIR */
	count = be_read(4);
	for (uint32_t i = 0; i < count && i < 1024; i++) {
		char n[57] = "";
		uint32_t sz = be_read(4), sel = be_read(2);

		be_read(2);
		for (int k = 0; k < 56; k++)
			n[k] = (char)inb(FWCFG_DATA);
		if (strcmp(n, name) == 0) {
			*size = sz;
			return (int)sel;
		}
	}
	return -1;
}
