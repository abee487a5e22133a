// SPDX-License-Identifier: GPL-2.0
/*
 * bench-plugin - a QEMU TCG plugin for "make bench": counts the guest's calls of two kernel
 * functions exactly and reports the counts each time the guest calls a third one.
 *
 *   qemu-system-... -d plugin -D TRACE -plugin bench-plugin.so,map=ADDR,unmap=ADDR,mark=ADDR
 *
 * map, unmap: entry addresses (guest virtual, from System.map) of dma_map_page_attrs and
 * dma_unmap_page_attrs; every call of dma_map_single()/dma_unmap_single() goes through them,
 * dma_map_benchmark's loop included. mark: the entry of pci_user_write_config_byte, which the
 * guest's bench markers (one-byte sysfs config writes to the edu device) call. At each call of
 * mark the plugin prints, through QEMU's log (-d plugin, the -D file, so in order with the
 * trace events):
 *
 *   wb_count maps=<calls of map so far> unmaps=<calls of unmap so far>
 *
 * The counts are inline additions in the translated code (no helper call per map); the line
 * before a marker's pci_cfg_write trace line holds the counts at that marker.
 *
 * QEMU does not install its plugin header (qemu-plugin.h); the few declarations used are
 * below, as API version 1 (QEMU 4.2 to 8.1) defines them.
 */
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_udata_cb_t cb,
					    enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_op op,
						void *ptr, uint64_t imm);
void qemu_plugin_outs(const char *string);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

static uint64_t addr_map, addr_unmap, addr_mark;
static uint64_t n_map, n_unmap;	/* -smp 1 in make bench: one vCPU, no race */

/* on_mark - at the marker function's entry: print the counts so far. */
static void on_mark(unsigned int vcpu, void *udata)
{
	char line[96];

	(void)vcpu;
	(void)udata;
	snprintf(line, sizeof(line), "wb_count maps=%" PRIu64 " unmaps=%" PRIu64 "\n", n_map, n_unmap);
	qemu_plugin_outs(line);
}

/* on_tb - at translation: instrument the entry instructions of the three functions. */
static void on_tb(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t va = qemu_plugin_insn_vaddr(insn);

		if (va == addr_map)
			qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &n_map, 1);
		else if (va == addr_unmap)
			qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &n_unmap, 1);
		else if (va == addr_mark)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, QEMU_PLUGIN_CB_NO_REGS, NULL);
	}
}

/* qemu_plugin_install - parse map=, unmap=, mark= (hex addresses); all three are required. */
__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	(void)info;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		uint64_t *dst = !strncmp(a, "map=", 4) ? &addr_map : !strncmp(a, "unmap=", 6) ? &addr_unmap :
				!strncmp(a, "mark=", 5) ? &addr_mark : NULL;

		if (!dst) {
			fprintf(stderr, "bench-plugin: unknown argument %s\n", a);
			return -1;
		}
		*dst = strtoull(strchr(a, '=') + 1, NULL, 16);
	}
	if (!addr_map || !addr_unmap || !addr_mark) {
		fprintf(stderr, "bench-plugin: map=, unmap= and mark= are required\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb);
	return 0;
}
