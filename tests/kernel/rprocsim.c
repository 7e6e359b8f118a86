// SPDX-License-Identifier: GPL-2.0
/*
 * rprocsim - simulated remote processors for rprocbox's kernel test tier.
 *
 * Registers one remote processor per name in the "names" parameter with the
 * kernel's own remoteproc core, so /sys/class/remoteproc/remoteprocN/ and
 * /sys/kernel/debug/remoteproc/remoteprocN/ are the real thing: real firmware
 * loading (the core's ELF loader), real states, errors, trace buffers and
 * crash recovery. Each processor owns 256 KiB of "device memory" at device
 * addresses 0x00000000-0x0003ffff; firmware segments load there and the
 * trace buffer of the firmware's resource table lives there. The ELF loader
 * is the core's own; only parse_fw differs from its default, so that a
 * firmware without a .resource_table boots (without trace) instead of being
 * refused with EINVAL.
 *
 * Parameter: names=sim0,sim1 (the default), one processor per name, up to
 * 16, registered in order: the first is remoteproc0 on a board with no
 * other remote processor.
 * Parameter: attached=NAME,... (default none): these are registered the way
 * a driver registers a core the boot loader already started (detached, with
 * auto_boot), so the core attaches to them at once: state "attached",
 * firmware "unknown", no resource table, and "stop" powers them off.
 *
 * Test controls, in /sys/kernel/debug/rprocsim/remoteprocN/:
 *   trace           write: append the bytes to the firmware's first trace
 *                   buffer (what debugfs trace0 shows); ENODEV while the
 *                   firmware has no trace buffer (offline, no table),
 *                   ENOSPC once the buffer is full
 *   fail_start      errno the start op returns (0 = start works)
 *   start_delay_ms  how long the start op takes
 *   read_only       1 = the core's sysfs files become read-only
 *                   (rproc->sysfs_read_only: writes fail with EACCES)
 * Reading a number control gives its value and a newline.
 *
 * Device memory is cleared when the processor stops (power off), so every
 * boot, recovery included, starts with an empty trace buffer.
 *
 * Crash dumps: parse_fw registers one dump segment per PT_LOAD segment of
 * the firmware (its device address and memory size) and the firmware's ELF
 * class and machine, so a recovery with coredump enabled or inline makes a
 * real devcoredump. The core dumps after its stop op ran, so the stop op of
 * a crashed processor first keeps a snapshot of the device memory, which
 * the segments copy from: the dump shows the memory as it crashed.
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/elf.h>
#include <linux/err.h>
#include <linux/firmware.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/remoteproc.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/version.h>

#define SIM_MEM_SIZE	(256 * 1024)
#define SIM_MAX		16
#define SIM_NAME_MAX	32
#define SIM_MAX_DELAY	60000

/*
 * The core's ELF helpers are exported but declared in a header private to
 * drivers/remoteproc; these are their signatures (the same from 6.1 to 7.2).
 */
int rproc_elf_sanity_check(struct rproc *rproc, const struct firmware *fw);
u64 rproc_elf_get_boot_addr(struct rproc *rproc, const struct firmware *fw);
int rproc_elf_load_segments(struct rproc *rproc, const struct firmware *fw);
int rproc_elf_load_rsc_table(struct rproc *rproc, const struct firmware *fw);
struct resource_table *rproc_elf_find_loaded_rsc_table(struct rproc *rproc,
							const struct firmware *fw);

static char *names = "sim0,sim1";
module_param(names, charp, 0444);
MODULE_PARM_DESC(names, "comma separated names of the simulated processors");

static char *attached = "";
module_param(attached, charp, 0444);
MODULE_PARM_DESC(attached, "comma separated names of processors started before Linux");

struct sim {
	struct rproc *rproc;
	u8 *mem;
	u8 *snap;		/* device memory at the last crash */
	struct dentry *dir;
	u32 fail_start;
	u32 start_delay_ms;
};

static struct dentry *sim_root;
static struct platform_device *sim_pdevs[SIM_MAX];
static int sim_count;

static void *sim_da_to_va(struct rproc *rproc, u64 da, size_t len, bool *is_iomem)
{
	struct sim *sim = rproc->priv;

	if (da >= SIM_MEM_SIZE || len > SIM_MEM_SIZE - da)
		return NULL;
	if (is_iomem)
		*is_iomem = false;
	return sim->mem + da;
}

static void sim_dump_segment(struct rproc *rproc, struct rproc_dump_segment *segment,
			     void *dest, size_t offset, size_t size)
{
	struct sim *sim = rproc->priv;

	memcpy(dest, sim->snap + segment->da + offset, size);
}

/* One dump segment per PT_LOAD with memory, inside the device memory. */
static void sim_dump_segments(struct rproc *rproc, const struct firmware *fw)
{
	const u8 *d = fw->data;
	bool is64 = fw->size > EI_CLASS && d[EI_CLASS] == ELFCLASS64;
	size_t ehsz = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t phsz = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	u64 phoff, da, memsz;
	unsigned int i, phnum;

	if (fw->size < ehsz)
		return;
	phoff = is64 ? ((Elf64_Ehdr *)d)->e_phoff : ((Elf32_Ehdr *)d)->e_phoff;
	phnum = is64 ? ((Elf64_Ehdr *)d)->e_phnum : ((Elf32_Ehdr *)d)->e_phnum;
	rproc_coredump_set_elf_info(rproc, d[EI_CLASS], ((Elf32_Ehdr *)d)->e_machine);
	for (i = 0; i < phnum && phoff + (i + 1) * phsz <= fw->size; i++) {
		const u8 *ph = d + phoff + i * phsz;
		u32 type = is64 ? ((Elf64_Phdr *)ph)->p_type : ((Elf32_Phdr *)ph)->p_type;

		da = is64 ? ((Elf64_Phdr *)ph)->p_paddr : ((Elf32_Phdr *)ph)->p_paddr;
		memsz = is64 ? ((Elf64_Phdr *)ph)->p_memsz : ((Elf32_Phdr *)ph)->p_memsz;
		if (type == PT_LOAD && memsz && da < SIM_MEM_SIZE && memsz <= SIM_MEM_SIZE - da)
			rproc_coredump_add_custom_segment(rproc, da, memsz, sim_dump_segment, NULL);
	}
}

/* A firmware without a resource table is fine: it simply has no trace. */
static int sim_parse_fw(struct rproc *rproc, const struct firmware *fw)
{
	if (rproc_elf_load_rsc_table(rproc, fw))
		dev_info(&rproc->dev, "firmware has no resource table\n");
	sim_dump_segments(rproc, fw);
	return 0;
}

static int sim_start(struct rproc *rproc)
{
	struct sim *sim = rproc->priv;
	u32 delay = READ_ONCE(sim->start_delay_ms);
	u32 err = READ_ONCE(sim->fail_start);

	if (delay)
		msleep(delay);
	if (err)
		return -(int)err;
	return 0;
}

static int sim_stop(struct rproc *rproc)
{
	struct sim *sim = rproc->priv;

	if (rproc->state == RPROC_CRASHED)
		memcpy(sim->snap, sim->mem, SIM_MEM_SIZE);
	memset(sim->mem, 0, SIM_MEM_SIZE);
	return 0;
}

/* What the boot loader started keeps running: nothing to do to attach. */
static int sim_attach(struct rproc *rproc)
{
	return 0;
}

/* No virtio devices: nothing ever rings a vring, but the core may ask. */
static void sim_kick(struct rproc *rproc, int vqid)
{
}

static const struct rproc_ops sim_ops = {
	.start = sim_start,
	.stop = sim_stop,
	.attach = sim_attach,
	.kick = sim_kick,
	.da_to_va = sim_da_to_va,
	/* The core's ELF loader, with a parse_fw that tolerates no table. */
	.load = rproc_elf_load_segments,
	.parse_fw = sim_parse_fw,
	.find_loaded_rsc_table = rproc_elf_find_loaded_rsc_table,
	.sanity_check = rproc_elf_sanity_check,
	.get_boot_addr = rproc_elf_get_boot_addr,
};

/*
 * The first trace entry of the resource table in use: the loaded copy in
 * device memory while the firmware runs. Caller holds rproc->lock.
 */
static char *sim_trace_buf(struct rproc *rproc, size_t *len)
{
	struct resource_table *table = rproc->table_ptr;
	size_t size = rproc->table_sz;
	u32 i;

	if (!table || size < sizeof(*table) ||
	    (rproc->state != RPROC_RUNNING && rproc->state != RPROC_CRASHED))
		return NULL;
	for (i = 0; i < table->num; i++) {
		u32 off = table->offset[i];
		struct fw_rsc_hdr *hdr;
		struct fw_rsc_trace *t;
		void *va;

		if (sizeof(*table) + (i + 1) * sizeof(u32) > size ||
		    off > size || size - off < sizeof(*hdr) + sizeof(*t))
			return NULL;
		hdr = (void *)table + off;
		if (hdr->type != RSC_TRACE)
			continue;
		t = (void *)hdr + sizeof(*hdr);
		if (!t->len)
			return NULL;
		va = rproc_da_to_va(rproc, t->da, t->len, NULL);
		if (!va)
			return NULL;
		*len = t->len;
		return va;
	}
	return NULL;
}

static ssize_t sim_trace_write(struct file *file, const char __user *ubuf,
			       size_t count, loff_t *ppos)
{
	struct sim *sim = file->private_data;
	struct rproc *rproc = sim->rproc;
	size_t len, used, n;
	char *buf;
	int ret;

	if (!count)
		return 0;
	ret = mutex_lock_interruptible(&rproc->lock);
	if (ret)
		return ret;
	buf = sim_trace_buf(rproc, &len);
	if (!buf) {
		ret = -ENODEV;
		goto out;
	}
	used = strnlen(buf, len);
	if (used + 1 >= len) {
		ret = -ENOSPC;
		goto out;
	}
	n = min(count, len - 1 - used);
	if (copy_from_user(buf + used, ubuf, n)) {
		buf[used] = '\0';
		ret = -EFAULT;
		goto out;
	}
	buf[used + n] = '\0';
	ret = n;
out:
	mutex_unlock(&rproc->lock);
	return ret;
}

static const struct file_operations sim_trace_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = sim_trace_write,
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 12, 0)
	/* 6.12 removed no_llseek: a file without llseek is not seekable. */
	.llseek = no_llseek,
#endif
};

static int sim_fail_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct sim *)data)->fail_start);
	return 0;
}

static int sim_fail_set(void *data, u64 val)
{
	if (val > MAX_ERRNO)
		return -EINVAL;
	WRITE_ONCE(((struct sim *)data)->fail_start, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(sim_fail_fops, sim_fail_get, sim_fail_set, "%llu\n");

static int sim_delay_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct sim *)data)->start_delay_ms);
	return 0;
}

static int sim_delay_set(void *data, u64 val)
{
	if (val > SIM_MAX_DELAY)
		return -EINVAL;
	WRITE_ONCE(((struct sim *)data)->start_delay_ms, val);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(sim_delay_fops, sim_delay_get, sim_delay_set, "%llu\n");

static int sim_ro_get(void *data, u64 *val)
{
	*val = READ_ONCE(((struct sim *)data)->rproc->sysfs_read_only);
	return 0;
}

/*
 * The core applies sysfs_read_only through the is_visible() hook of its
 * sysfs group, that is, as file modes when the files are created (root
 * included: kernfs refuses to open a file without write bits for writing).
 * So after changing the flag the group is re-evaluated.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(7, 2, 0)
/* 7.2's class and sysfs_update_groups() take constant group pointers. */
typedef const struct attribute_group *const *sim_groups;
#else
typedef const struct attribute_group **sim_groups;
#endif

static int sim_ro_set(void *data, u64 val)
{
	struct rproc *rproc = ((struct sim *)data)->rproc;
	sim_groups groups = rproc->dev.class->dev_groups;

	if (val > 1)
		return -EINVAL;
	WRITE_ONCE(rproc->sysfs_read_only, val);
	return groups ? sysfs_update_groups(&rproc->dev.kobj, groups) : 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(sim_ro_fops, sim_ro_get, sim_ro_set, "%llu\n");

static void sim_remove_dir(void *data)
{
	debugfs_remove_recursive(data);
}

/* Whether name is one of the comma separated names in list. */
static bool sim_listed(const char *list, const char *name)
{
	size_t len = strlen(name);

	while (*list) {
		size_t n = strcspn(list, ",");

		if (n == len && !strncmp(list, name, n))
			return true;
		list += n;
		if (*list == ',')
			list++;
	}
	return false;
}

static int sim_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	const char *name = dev_get_platdata(dev);
	struct rproc *rproc;
	struct sim *sim;
	u8 *mem;
	int ret;

	if (!name)
		return -EINVAL;
	mem = devm_kzalloc(dev, 2 * SIM_MEM_SIZE, GFP_KERNEL);	/* memory, snapshot */
	if (!mem)
		return -ENOMEM;
	rproc = devm_rproc_alloc(dev, name, &sim_ops, NULL, sizeof(*sim));
	if (!rproc)
		return -ENOMEM;
	sim = rproc->priv;
	sim->rproc = rproc;
	sim->mem = mem;
	sim->snap = mem + SIM_MEM_SIZE;
	rproc->auto_boot = false;
	if (sim_listed(attached, name)) {
		rproc->state = RPROC_DETACHED;
		rproc->auto_boot = true;
	}
	platform_set_drvdata(pdev, sim);

	ret = devm_rproc_add(dev, rproc);
	if (ret)
		return ret;

	sim->dir = debugfs_create_dir(dev_name(&rproc->dev), sim_root);
	debugfs_create_file("trace", 0200, sim->dir, sim, &sim_trace_fops);
	debugfs_create_file_unsafe("fail_start", 0600, sim->dir, sim, &sim_fail_fops);
	debugfs_create_file_unsafe("start_delay_ms", 0600, sim->dir, sim, &sim_delay_fops);
	debugfs_create_file_unsafe("read_only", 0600, sim->dir, sim, &sim_ro_fops);
	ret = devm_add_action_or_reset(dev, sim_remove_dir, sim->dir);
	if (ret)
		return ret;

	dev_info(dev, "%s is %s\n", name, dev_name(&rproc->dev));
	return 0;
}

static struct platform_driver sim_driver = {
	.probe = sim_probe,
	.driver = {
		.name = "rprocsim",
	},
};

static void sim_unregister(void)
{
	while (sim_count > 0)
		platform_device_unregister(sim_pdevs[--sim_count]);
	platform_driver_unregister(&sim_driver);
	debugfs_remove_recursive(sim_root);
}

static int __init sim_init(void)
{
	const char *p = names;
	int ret;

	for (p = attached; *p; p += *p == ',') {
		char name[SIM_NAME_MAX];
		size_t n = strcspn(p, ",");

		if (n == 0 || n >= sizeof(name)) {
			pr_err("rprocsim: bad attached=\"%s\"\n", attached);
			return -EINVAL;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		if (!sim_listed(names, name)) {
			pr_err("rprocsim: attached %s is not in names=\"%s\"\n", name, names);
			return -EINVAL;
		}
	}
	p = names;
	sim_root = debugfs_create_dir("rprocsim", NULL);
	ret = platform_driver_register(&sim_driver);
	if (ret) {
		debugfs_remove_recursive(sim_root);
		return ret;
	}

	while (p && *p) {
		char name[SIM_NAME_MAX];
		size_t n = strcspn(p, ",");
		struct platform_device *pdev;

		if (n == 0 || n >= sizeof(name) || sim_count == SIM_MAX) {
			pr_err("rprocsim: bad names=\"%s\"\n", names);
			ret = -EINVAL;
			goto fail;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		pdev = platform_device_register_data(NULL, "rprocsim", sim_count,
						     name, n + 1);
		if (IS_ERR(pdev)) {
			ret = PTR_ERR(pdev);
			goto fail;
		}
		sim_pdevs[sim_count++] = pdev;
		if (!platform_get_drvdata(pdev)) {
			pr_err("rprocsim: %s did not probe\n", name);
			ret = -ENODEV;
			goto fail;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;

fail:
	sim_unregister();
	return ret;
}

static void __exit sim_exit(void)
{
	sim_unregister();
}

module_init(sim_init);
module_exit(sim_exit);

MODULE_DESCRIPTION("Simulated remote processors for testing remoteproc users");
MODULE_LICENSE("GPL");
