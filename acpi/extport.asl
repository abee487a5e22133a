/*
 * The PCIe root port at 00:08.0 that scripts/qemu.sh adds for intel-iommu-untrusted and
 * intel-iommu-optin (device S40 of QEMU 7.2's q35 DSDT) gets the _DSD "ExternalFacingPort" = 1,
 * so that Linux marks every device below it untrusted and removable. Passed with -acpitable.
 */
DefinitionBlock ("", "SSDT", 2, "WBENCH", "EXTPORT", 1)
{
    External (\_SB.PCI0.S40, DeviceObj)
    Scope (\_SB.PCI0.S40)
    {
        Name (_DSD, Package () {
            ToUUID ("daffd814-6eba-4d8c-8a91-bc9bbf4aa301"),
            Package () { Package () { "ExternalFacingPort", 1 } }
        })
    }
}
