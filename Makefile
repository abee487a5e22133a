# Workbench of the default DMA domain policy series. "make help" lists targets and variables.
SHELL := /bin/sh
.DEFAULT_GOAL := help

KARCH ?= x86_64
VARIANT ?= patched
KCONFIG_DEFAULT ?= default
PLATFORM ?= $(if $(filter arm64,$(KARCH)),smmuv3,intel-iommu)
PLATFORM_OPTS ?=
CMDLINE ?=
TIMEOUT ?= 120
SELFTESTS ?= iommu/iommu_dma_policy
TARGETS ?=
W ?=
FORCE ?= 0
CONSOLE ?= 1
VARS := KARCH VARIANT KCONFIG_DEFAULT PLATFORM PLATFORM_OPTS CMDLINE TIMEOUT SELFTESTS TARGETS W FORCE CONSOLE
export $(VARS)

.PHONY: help deps tree export build initramfs boot run report check clean bench
help:
	@echo 'Targets:'
	@echo '  run        build what is missing, boot the scenarios, print the stock/patched table (main job)'
	@echo '  report     print the table again from the saved logs, without booting'
	@echo '  check      every check, one line each, then "N passed, N failed"'
	@echo '  bench      what each DMA domain mode costs, per platform: build/bench/bench.md, .png (QUICK=1: smoke test)'
	@echo '  deps       install the Debian packages needed'
	@echo '  tree       (re)create build/linux from base.pin + patches/series; build/linux-stock, build/linux-v2'
	@echo '  export     git format-patch base..series of build/linux into patches/ and patches/pfq/'
	@echo '  build      build one kernel + guest + initramfs (KARCH VARIANT KCONFIG_DEFAULT [TARGETS W])'
	@echo '  initramfs  rebuild guest programs and the initramfs of that kernel'
	@echo '  boot       boot one scenario (KARCH VARIANT KCONFIG_DEFAULT PLATFORM PLATFORM_OPTS CMDLINE)'
	@echo '  clean      remove build outputs (build/obj, build/guest, build/logs), keep the trees'
	@echo 'Variables (current values):'
	@$(foreach v,$(VARS),printf '  %-16s = %s\n' '$(v)' '$($(v))';)

deps:
	@scripts/deps.sh
tree: deps
	@scripts/tree.sh
export:
	@scripts/export.sh
build: tree
	@scripts/build.sh
initramfs:
	@ONLY=initramfs scripts/build.sh
boot:
	@scripts/boot.sh
run: tree
	@scripts/run.sh
report:
	@REPORT_ONLY=1 scripts/run.sh
check: deps
	@scripts/check.sh
bench:
	@scripts/bench.sh $(if $(filter 1,$(QUICK)),--quick)
clean:
	rm -rf build/obj build/linux*/wb-obj-* build/guest build/logs build/disk.img build/config-cache
