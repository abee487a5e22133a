/*
 * DMAR of the intel-iommu-optin platform (scripts/qemu.sh): an upgrade of QEMU 7.2's q35 DMAR
 * (intel-iommu,intremap=on, default aw-bits=39) that sets the platform opt-in flag, loaded by
 * Linux from the initrd (CONFIG_ACPI_TABLE_UPGRADE; scripts/acpi.sh). Compiled by iasl
 * (Asl Compiler ID and Revision become its own).
 *
 * As QEMU's table except:
 *   - Oem Revision 2 (QEMU's is 1): an upgrade must have a higher one, same signature and ids;
 *   - Flags bit 2, DMA_CTRL_PLATFORM_OPT_IN_FLAG (bit 0, INTR_REMAP, as QEMU with intremap=on);
 *   - the unit covers every PCI device (DRHD flag INCLUDE_PCI_ALL) instead of the list
 *     of devices QEMU 7.2 writes (00.0 01.0 02.0 10.0 1f.0 1f.2 1f.3 here), so that the table
 *     does not depend on which slots are used.
 * Register base 0xFED90000 and Host Address Width 0x26 (39 bits) are QEMU's; an IOMMU with other
 * aw-bits needs another width here.
 * iasl computes the table's length and checksum; the unit's Length (0x18: 16 bytes and one
 * 8-byte device scope) is written out, as iasl loops on a zero there.
 */
[0004]                          Signature : "DMAR"    [DMA Remapping table]
[0004]                       Table Length : 00000000
[0001]                           Revision : 01
[0001]                           Checksum : 00
[0006]                             Oem ID : "BOCHS "
[0008]                       Oem Table ID : "BXPC    "
[0004]                       Oem Revision : 00000002
[0004]                    Asl Compiler ID : "BXPC"
[0004]              Asl Compiler Revision : 00000001

[0001]                 Host Address Width : 26
[0001]                              Flags : 05
[0010]                           Reserved : 00 00 00 00 00 00 00 00 00 00

[0002]                      Subtable Type : 0000 [Hardware Unit Definition]
[0002]                             Length : 0018

[0001]                              Flags : 01
[0001]                           Reserved : 00
[0002]                 PCI Segment Number : 0000
[0008]              Register Base Address : 00000000FED90000

[0001]                  Device Scope Type : 03 [IOAPIC Device]
[0001]                       Entry Length : 08
[0002]                           Reserved : 0000
[0001]                     Enumeration ID : 00
[0001]                     PCI Bus Number : FF

[0002]                           PCI Path : 00,00
