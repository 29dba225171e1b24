#!/usr/bin/env python3
"""Generate the audit fixture trees in tests/fixtures/audit/ (desktop, laptop, slic, vm).

Every value is invented: serial numbers, UUIDs, MAC addresses and the Windows product key
(TABUL-...) belong to no real machine. Binary tables (SMBIOS entry point + structure table,
ACPI MSDM/SLIC) are built here byte by byte after DMTF DSP0134 and the ACPI specification,
with valid checksums. Run from the repository root:

    python3 scripts/make-audit-fixtures.py

The script deletes and rewrites the four trees; the QEMU capture (tests/fixtures/audit/qemu)
is made by scripts/qemu-capture.sh and is left alone.
"""
import json
import os
import shutil
import struct
import sys

OUT = os.path.join("tests", "fixtures", "audit")
EFI_GLOBAL = "8be4df61-93ca-11d2-aa0d-00e098032b8c"
INVENTED_KEY = "TABUL-AAAAA-BBBBB-CCCCC-3V66T"


# ---------------------------------------------------------------- SMBIOS (DSP0134)
def structure(kind, handle, body, strings=()):
    """One SMBIOS structure: header, formatted area `body` (after the 4-byte header), string set."""
    formatted = struct.pack("<BBH", kind, 4 + len(body), handle) + body
    if strings:
        tail = b"".join(s.encode("ascii") + b"\0" for s in strings) + b"\0"
    else:
        tail = b"\0\0"
    return formatted + tail


def checksum_fix(data, at):
    data = bytearray(data)
    data[at] = 0
    data[at] = (-sum(data)) & 0xFF
    return bytes(data)


def entry_v3(major, minor, table_len, address=0):
    ep = b"_SM3_" + bytes([0, 0x18, major, minor, 0, 1, 0]) + struct.pack("<IQ", table_len, address)
    return checksum_fix(ep, 5)


def entry_v2(major, minor, table_len, count, max_size=0x80, address=0):
    inter = b"_DMI_" + bytes([0]) + struct.pack("<HIHB", table_len, address, count, (major << 4) | minor)
    inter = checksum_fix(inter, 5)
    ep = b"_SM_" + bytes([0, 0x1F, major, minor]) + struct.pack("<H", max_size) + bytes([0]) + b"\0" * 5 + inter
    return checksum_fix(ep, 4)


def t0_bios(vendor, version, date, uefi):
    chars = struct.pack("<Q", 0x0009_9880)  # PCI, upgradeable, shadowing, boot from CD, selectable boot, EDD
    ext2 = 0x0C if uefi else 0x04  # bit 2 targeted content distribution, bit 3 UEFI
    body = struct.pack("<BBHBB", 1, 2, 0xF000, 3, 0xFF) + chars + bytes([0x03, ext2, 1, 17, 0xFF, 0xFF])
    return structure(0, 0x0000, body, [vendor, version, date])


def uuid_bytes(text):
    raw = bytes.fromhex(text.replace("-", ""))
    # SMBIOS 2.6+: the first three fields are little-endian.
    return raw[3::-1] + raw[5:3:-1] + raw[7:5:-1] + raw[8:]


def t1_system(vendor, product, version, serial, uuid, sku, family):
    body = bytes([1, 2, 3, 4]) + uuid_bytes(uuid) + bytes([6, 5, 6])
    return structure(1, 0x0001, body, [vendor, product, version, serial, sku, family])


def t2_board(vendor, product, version, serial):
    body = bytes([1, 2, 3, 4, 0, 0x09, 0]) + struct.pack("<H", 0x0003) + bytes([0x0A, 0])
    return structure(2, 0x0002, body, [vendor, product, version, serial])


def t3_chassis(vendor, type_code, serial):
    body = bytes([1, type_code, 0, 2, 0, 3, 3, 3, 3]) + struct.pack("<I", 0) + bytes([0, 1, 0, 0])
    return structure(3, 0x0003, body, [vendor, serial])


def t4_processor(socket, vendor, version, max_mhz, cur_mhz, cores, threads, family=0xCD):
    body = (
        bytes([1, 3, family, 2]) + struct.pack("<Q", 0xBFEBFBFF000806EA) + bytes([3, 0x8A])
        + struct.pack("<HHH", 100, max_mhz, cur_mhz) + bytes([0x41, 0x01])
        + struct.pack("<HHH", 0xFFFF, 0xFFFF, 0xFFFF) + bytes([0, 0, 0, cores, cores, threads])
        + struct.pack("<HH", 0x00FC, family)
    )
    return structure(4, 0x0004, body, [socket, vendor, version])


def t16_array(handle, max_kib, slots):
    body = bytes([3, 3, 3]) + struct.pack("<IHHQ", max_kib, 0xFFFE, slots, 0)
    return structure(16, handle, body)


def t17_device(handle, array, locator, bank, size_mb, mtype, form, speed, manuf, serial, part):
    if size_mb == 0:
        strings = [locator, bank, "Not Specified", "Not Specified", "Not Specified", "Not Specified"]
        body = (
            struct.pack("<HHHHH", array, 0xFFFE, 0xFFFF, 0xFFFF, 0) + bytes([form, 0, 1, 2, 0x02])
            + struct.pack("<HH", 0x0000, 0) + bytes([3, 4, 5, 6, 0]) + struct.pack("<IHHHH", 0, 0, 0, 0, 0)
        )
    else:
        strings = [locator, bank, manuf, serial, "Not Specified", part]
        body = (
            struct.pack("<HHHHH", array, 0xFFFE, 64, 64, size_mb) + bytes([form, 0, 1, 2, mtype])
            + struct.pack("<HH", 0x0080, speed) + bytes([3, 4, 5, 6, 1])
            + struct.pack("<IHHHH", 0, speed, 1200, 1200, 1200)
        )
    return structure(17, handle, body, strings)


def end_of_table():
    return structure(127, 0xFEFF, b"")


# ---------------------------------------------------------------- ACPI
def acpi_table(sig, oem_id, table_id, body):
    header = sig + struct.pack("<IBB", 36 + len(body), 1, 0) + oem_id.ljust(6).encode()[:6]
    header += table_id.ljust(8).encode()[:8] + struct.pack("<I", 1) + b"TBLA" + struct.pack("<I", 1)
    return checksum_fix(header + body, 9)


def msdm(oem_id, table_id, key):
    return acpi_table(b"MSDM", oem_id, table_id, struct.pack("<IIIII", 1, 0, 1, 0, len(key)) + key.encode())


def slic(oem_id, table_id):
    # OEM public key structure (type 0, 156 bytes) + SLIC marker (type 1, 182 bytes): invented contents.
    pubkey = struct.pack("<II", 0, 156) + b"\x06\x02\x00\x00\x00\xa4\x00\x00RSA1" + struct.pack("<II", 1024, 65537)
    pubkey += oem_id.ljust(6).encode() + table_id.ljust(8).encode()
    pubkey = pubkey.ljust(156, b"\x5a")
    marker = struct.pack("<III", 1, 182, 0x00020001) + oem_id.ljust(6).encode() + table_id.ljust(8).encode()
    marker += b"WINDOWS " + b"\0" * 16
    marker = marker.ljust(182, b"\xa5")
    return acpi_table(b"SLIC", oem_id, table_id, pubkey + marker)


# ---------------------------------------------------------------- tree helpers
class Tree:
    def __init__(self, name):
        self.base = os.path.join(OUT, name)
        shutil.rmtree(self.base, ignore_errors=True)
        os.makedirs(self.base)

    def put(self, rel, data):
        path = os.path.join(self.base, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(path, mode) as f:
            f.write(data)

    def mkdir(self, rel):
        # git keeps no empty directories: a marker file keeps the directory (only its existence is read).
        self.put(os.path.join(rel, ".keep"), "")

    def link(self, rel, target):
        path = os.path.join(self.base, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        os.symlink(target, path)

    def smbios(self, entry, table):
        self.put("sys/firmware/dmi/tables/smbios_entry_point", entry)
        self.put("sys/firmware/dmi/tables/DMI", table)

    def cpu(self, model, vendor, family, model_no, cores, threads, max_khz, flags):
        blocks = []
        for t in range(threads):
            blocks.append(
                f"processor\t: {t}\nvendor_id\t: {vendor}\ncpu family\t: {family}\nmodel\t\t: {model_no}\n"
                f"model name\t: {model}\nphysical id\t: 0\nsiblings\t: {threads}\ncore id\t\t: {t % cores}\n"
                f"cpu cores\t: {cores}\nflags\t\t: {flags}\n"
            )
        self.put("proc/cpuinfo", "\n".join(blocks) + "\n")
        if max_khz:
            for t in range(threads):
                self.put(f"sys/devices/system/cpu/cpu{t}/cpufreq/cpuinfo_max_freq", f"{max_khz}\n")

    def meminfo(self, kib):
        self.put("proc/meminfo", f"MemTotal:       {kib} kB\nMemFree:        {kib // 2} kB\n")

    def boot(self, uefi, secure_boot):
        self.put("proc/cmdline", "BOOT_IMAGE=/live/vmlinuz boot=live quiet\n")
        self.put("proc/self/mountinfo", "22 1 0:21 / / rw,relatime - overlay overlay rw\n")
        self.put("proc/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n")
        if uefi:
            vars_ = "sys/firmware/efi/efivars/"
            self.put(vars_ + f"SecureBoot-{EFI_GLOBAL}", bytes([6, 0, 0, 0, 1 if secure_boot else 0]))
            self.put(vars_ + f"SetupMode-{EFI_GLOBAL}", bytes([6, 0, 0, 0, 0]))

    def tpm(self, major):
        self.put("sys/class/tpm/tpm0/tpm_version_major", f"{major}\n")
        if major == 2:
            self.mkdir("sys/class/tpmrm/tpmrm0")
        else:
            self.put("sys/class/tpm/tpm0/caps", "Manufacturer: 0x49465800\nTCG version: 1.2\n")

    def pci(self, addr, cls, vendor, device, sv, sd):
        for k, v in [("class", cls), ("vendor", vendor), ("device", device), ("subsystem_vendor", sv), ("subsystem_device", sd)]:
            self.put(f"sys/bus/pci/devices/{addr}/{k}", f"{v}\n")

    def nic(self, name, mac, driver, pci=None, wireless=False):
        self.put(f"sys/class/net/{name}/address", f"{mac}\n")
        self.put(f"sys/class/net/{name}/type", "1\n")
        uevent = f"DRIVER={driver}\n" + (f"PCI_SLOT_NAME={pci}\n" if pci else "")
        self.put(f"sys/class/net/{name}/device/uevent", uevent)
        if wireless:
            self.mkdir(f"sys/class/net/{name}/wireless")

    def loopback(self):
        self.put("sys/class/net/lo/address", "00:00:00:00:00:00\n")

    def disk(self, name, devpath, dev, sectors, rotational, model, serial, rev, vendor="ATA", removable=0, phys=512):
        real = f"sys/devices/{devpath}/{name}"
        self.link(f"sys/block/{name}", f"../devices/{devpath}/{name}")
        for k, v in [("dev", dev), ("size", sectors), ("ro", 0), ("removable", removable),
                     ("queue/rotational", rotational), ("queue/logical_block_size", 512),
                     ("queue/physical_block_size", phys), ("device/model", model),
                     ("device/vendor", vendor), ("device/rev", rev), ("serial", serial)]:
            self.put(f"{real}/{k}", f"{v}\n")

    def smart(self, name, doc):
        self.put(f"smartctl/{name}.json", json.dumps(doc, separators=(",", ":")) + "\n")

    def dmi_id(self, values):
        for k, v in values.items():
            self.put(f"sys/class/dmi/id/{k}", f"{v}\n")


# ---------------------------------------------------------------- smartctl documents (smartmontools 7.3 layout)
def smartctl_head(device, dtype, protocol, exit_status=0, messages=None):
    doc = {
        "json_format_version": [1, 0],
        "smartctl": {"version": [7, 3], "svn_revision": "5338", "platform_info": "x86_64-linux-6.1.0-26-amd64",
                     "argv": ["smartctl", "--json=c", "-a", device], "exit_status": exit_status},
        "local_time": {"time_t": 1764000000, "asctime": "Mon Nov 24 16:00:00 2025 UTC"},
        "device": {"name": device, "info_name": device, "type": dtype, "protocol": protocol},
    }
    if messages:
        doc["smartctl"]["messages"] = [{"string": m, "severity": "error"} for m in messages]
    return doc


def ata_attr(id_, name, value, worst, thresh, raw, prefail=False):
    return {"id": id_, "name": name, "value": value, "worst": worst, "thresh": thresh, "when_failed": "",
            "flags": {"value": 51 if prefail else 50, "string": "PO--CK " if prefail else "-O--CK ",
                      "prefailure": prefail, "updated_online": True, "performance": False,
                      "error_rate": False, "event_count": False, "auto_keep": True},
            "raw": {"value": raw, "string": str(raw)}}


def ata_doc(device, model, serial, fw, size, rpm, hours, cycles, temp, attrs):
    doc = smartctl_head(device, "sat", "ATA")
    doc.update({
        "model_family": "Invented Family", "model_name": model, "serial_number": serial,
        "wwn": {"naa": 5, "oui": 9528, "id": 12345678}, "firmware_version": fw,
        "user_capacity": {"blocks": size // 512, "bytes": size}, "logical_block_size": 512,
        "physical_block_size": 4096 if rpm else 512, "rotation_rate": rpm,
        "ata_version": {"string": "ACS-3 T13/2161-D revision 5", "major_value": 2032, "minor_value": 109},
        "sata_version": {"string": "SATA 3.2", "value": 255},
        "smart_support": {"available": True, "enabled": True},
        "smart_status": {"passed": True},
        "ata_smart_attributes": {"revision": 16, "table": attrs},
        "power_on_time": {"hours": hours}, "power_cycle_count": cycles, "temperature": {"current": temp},
    })
    return doc


def nvme_doc(device, model, serial, fw, size):
    doc = smartctl_head(device, "nvme", "NVMe")
    doc.update({
        "model_name": model, "serial_number": serial, "firmware_version": fw,
        "nvme_pci_vendor": {"id": 5197, "subsystem_id": 5197},
        "nvme_total_capacity": size, "user_capacity": {"blocks": size // 512, "bytes": size},
        "logical_block_size": 512, "smart_support": {"available": True, "enabled": True},
        "smart_status": {"passed": True, "nvme": {"value": 0}},
        "nvme_smart_health_information_log": {
            "critical_warning": 0, "temperature": 38, "available_spare": 100, "available_spare_threshold": 10,
            "percentage_used": 7, "data_units_read": 15234567, "data_units_written": 12345678,
            "host_reads": 234567890, "host_writes": 123456789, "controller_busy_time": 1234,
            "power_cycles": 1873, "power_on_hours": 6021, "unsafe_shutdowns": 97, "media_errors": 0,
            "num_err_log_entries": 12, "warning_temp_time": 0, "critical_comp_time": 0,
            "temperature_sensors": [38, 41]},
        "temperature": {"current": 38}, "power_cycle_count": 1873, "power_on_time": {"hours": 6021},
    })
    return doc


def usb_bridge_failure(device):
    return smartctl_head(device, "scsi", "SCSI", exit_status=1, messages=[
        f"{device}: Unknown USB bridge [0x090c:0x1000 (0x1100)]",
        "Please specify device type with the -d option."])


# ---------------------------------------------------------------- the machines
def desktop():
    t = Tree("desktop")
    handles = (0x1000, 0x1100)
    table = b"".join([
        t0_bios("Dell Inc.", "1.22.0", "09/12/2022", True),
        t1_system("Dell Inc.", "OptiPlex 7060", "Not Specified", "TABDSK1", "4c4c4544-0042-3510-8052-b7c04f564432",
                  "0859", "OptiPlex"),
        t2_board("Dell Inc.", "0C96W1", "A00", "/TABDSK1/CNFCW0089A01TB/"),
        t3_chassis("Dell Inc.", 0x03, "TABDSK1"),
        t4_processor("U3E1", "Intel(R) Corporation", "Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz", 4100, 3000, 6, 6),
        t16_array(handles[0], 64 * 1024 * 1024, 4),
        t17_device(handles[1], handles[0], "DIMM1", "Not Specified", 8192, 0x1A, 0x09, 2666, "SK Hynix",
                   "72A1B3C4", "HMA81GU6CJR8N-VK"),
        t17_device(handles[1] + 1, handles[0], "DIMM2", "Not Specified", 8192, 0x1A, 0x09, 2666, "SK Hynix",
                   "72A1B3C5", "HMA81GU6CJR8N-VK"),
        t17_device(handles[1] + 2, handles[0], "DIMM3", "Not Specified", 0, 0, 0x09, 0, "", "", ""),
        t17_device(handles[1] + 3, handles[0], "DIMM4", "Not Specified", 0, 0, 0x09, 0, "", "", ""),
        end_of_table(),
    ])
    t.smbios(entry_v3(3, 1, len(table)), table)
    t.cpu("Intel(R) Core(TM) i5-8500 CPU @ 3.00GHz", "GenuineIntel", 6, 158, 6, 6, 4100000,
          "fpu vme de pse tsc msr pae mce cx8 apic sep lm nx sse4_1 sse4_2 popcnt aes avx avx2 vmx")
    t.meminfo(16_263_476)
    t.boot(uefi=True, secure_boot=True)
    t.tpm(2)
    t.pci("0000:00:02.0", "0x030000", "0x8086", "0x3e92", "0x1028", "0x085a")
    t.pci("0000:00:1f.6", "0x020000", "0x8086", "0x15bb", "0x1028", "0x085a")
    t.pci("0000:00:17.0", "0x010601", "0x8086", "0xa352", "0x1028", "0x085a")
    t.nic("enp0s31f6", "a4:bb:6d:00:00:01", "e1000e", pci="0000:00:1f.6")
    t.loopback()
    ata = "pci0000:00/0000:00:17.0/ata{n}/host{h}/target{h}:0:0/{h}:0:0:0/block"
    t.disk("sda", ata.format(n=1, h=0), "8:0", 500_118_192, 0, "TABULA SSD 256", "TABSSD0001", "1A0", phys=512)
    t.disk("sdb", ata.format(n=2, h=1), "8:16", 1_953_525_168, 1, "TABULA HDD 1TB", "TABHDD0001", "CC43", phys=4096)
    t.smart("sda", ata_doc("/dev/sda", "TABULA SSD 256", "TABSSD0001", "1A0", 256_060_514_304, 0, 8123, 1540, 31, [
        ata_attr(5, "Reallocated_Sector_Ct", 100, 100, 10, 0, True),
        ata_attr(9, "Power_On_Hours", 98, 98, 0, 8123),
        ata_attr(12, "Power_Cycle_Count", 99, 99, 0, 1540),
        ata_attr(177, "Wear_Leveling_Count", 96, 96, 0, 41, True),
        ata_attr(187, "Reported_Uncorrect", 100, 100, 0, 0),
        ata_attr(194, "Temperature_Celsius", 69, 55, 0, 31),
    ]))
    t.smart("sdb", ata_doc("/dev/sdb", "TABULA HDD 1TB", "TABHDD0001", "CC43", 1_000_204_886_016, 7200, 31877, 2311, 36, [
        ata_attr(1, "Raw_Read_Error_Rate", 117, 99, 6, 148234080, True),
        ata_attr(5, "Reallocated_Sector_Ct", 97, 97, 10, 152, True),
        ata_attr(9, "Power_On_Hours", 64, 64, 0, 31877),
        ata_attr(187, "Reported_Uncorrect", 99, 99, 0, 1),
        ata_attr(188, "Command_Timeout", 100, 99, 0, 4),
        ata_attr(197, "Current_Pending_Sector", 100, 100, 0, 8),
        ata_attr(198, "Offline_Uncorrectable", 100, 100, 0, 8),
    ]))


def laptop():
    t = Tree("laptop")
    table = b"".join([
        t0_bios("LENOVO", "N24ET71W (1.46 )", "01/10/2023", True),
        t1_system("LENOVO", "20L5CTO1WW", "ThinkPad T480", "TABLAP42", "a3b2c1d0-1234-4abc-8def-0123456789ab",
                  "LENOVO_MT_20L5_BU_Think_FM_ThinkPad T480", "ThinkPad T480"),
        t2_board("LENOVO", "20L5CTO1WW", "SDK0J40697 WIN", "L1HF8AB01TB"),
        t3_chassis("LENOVO", 0x0A, "TABLAP42"),
        t4_processor("U3E1", "Intel(R) Corporation", "Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", 3400, 1600, 4, 8),
        t16_array(0x1000, 32 * 1024 * 1024, 2),
        t17_device(0x1100, 0x1000, "ChannelA-DIMM0", "BANK 0", 8192, 0x1A, 0x0D, 2400, "Samsung",
                   "3A4B5C6D", "M471A1K43CB1-CRC"),
        t17_device(0x1101, 0x1000, "ChannelB-DIMM0", "BANK 2", 0, 0, 0x0D, 0, "", "", ""),
        end_of_table(),
    ])
    count = 8 + 1
    t.smbios(entry_v2(2, 8, len(table), count), table)
    t.put("sys/firmware/acpi/tables/MSDM", msdm("LENOVO", "TP-N24", INVENTED_KEY))
    t.cpu("Intel(R) Core(TM) i5-8250U CPU @ 1.60GHz", "GenuineIntel", 6, 142, 4, 8, 3400000,
          "fpu vme de pse tsc msr pae mce cx8 apic sep lm nx sse4_1 sse4_2 popcnt aes avx avx2 vmx")
    t.meminfo(7_987_388)
    t.boot(uefi=True, secure_boot=False)
    t.tpm(2)
    t.pci("0000:00:02.0", "0x030000", "0x8086", "0x5917", "0x17aa", "0x225d")
    t.pci("0000:00:1f.6", "0x020000", "0x8086", "0x15d8", "0x17aa", "0x225d")
    t.pci("0000:03:00.0", "0x028000", "0x8086", "0x24fd", "0x8086", "0x0010")
    t.nic("enp0s31f6", "8c:16:45:00:00:42", "e1000e", pci="0000:00:1f.6")
    t.nic("wlp3s0", "34:e1:2d:00:00:42", "iwlwifi", pci="0000:03:00.0", wireless=True)
    t.loopback()
    for k, v in [("type", "Battery"), ("manufacturer", "SMP"), ("model_name", "01AV421"), ("serial_number", "1234"),
                 ("technology", "Li-poly"), ("status", "Discharging"), ("energy_full_design", 24050000),
                 ("energy_full", 17316000), ("energy_now", 12000000), ("cycle_count", 312), ("capacity", 69)]:
        t.put(f"sys/class/power_supply/BAT0/{k}", f"{v}\n")
    t.put("sys/class/power_supply/AC/type", "Mains\n")
    t.put("sys/class/power_supply/AC/online", "0\n")
    nvme = "pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0"
    t.disk("nvme0n1", nvme, "259:0", 500_118_192, 0, "TABULA NVMe 256GB", "TABNVME0042", "4L1QEXA7", vendor="")
    t.smart("nvme0n1", nvme_doc("/dev/nvme0n1", "TABULA NVMe 256GB", "TABNVME0042", "4L1QEXA7", 256_060_514_304))
    usb = "pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block"
    t.disk("sdb", usb, "8:16", 30_310_400, 1, "USB DISK 3.0", "", "PMAP", vendor="Generic", removable=1)
    t.smart("sdb", usb_bridge_failure("/dev/sdb"))


def slic_machine():
    t = Tree("slic")
    table = b"".join([
        t0_bios("Hewlett-Packard", "J01 v02.28", "03/24/2015", False),
        t1_system("Hewlett-Packard", "HP Compaq 8200 Elite SFF PC", "Not Specified", "CZCTAB0007",
                  "8c2f1a3e-5b6d-4e7f-9a0b-1c2d3e4f5a6b", "XL508AV", "103C_53307F"),
        t2_board("Hewlett-Packard", "1495", "Not Specified", "CZCTAB0007"),
        t3_chassis("Hewlett-Packard", 0x0F, "CZCTAB0007"),
        t4_processor("CPU 1", "Intel", "Intel(R) Core(TM) i5-2400 CPU @ 3.10GHz", 3800, 3100, 4, 4),
        t16_array(0x1000, 16 * 1024 * 1024, 4),
        t17_device(0x1100, 0x1000, "DIMM1", "Bank 1", 4096, 0x18, 0x09, 1333, "Kingston", "0A1B2C3D", "99U5471-002.A00LF"),
        t17_device(0x1101, 0x1000, "DIMM2", "Bank 2", 0, 0, 0x09, 0, "", "", ""),
        t17_device(0x1102, 0x1000, "DIMM3", "Bank 3", 0, 0, 0x09, 0, "", "", ""),
        t17_device(0x1103, 0x1000, "DIMM4", "Bank 4", 0, 0, 0x09, 0, "", "", ""),
        end_of_table(),
    ])
    t.smbios(entry_v2(2, 6, len(table), 11), table)
    t.put("sys/firmware/acpi/tables/SLIC", slic("HPQOEM", "SLIC-BPC"))
    t.cpu("Intel(R) Core(TM) i5-2400 CPU @ 3.10GHz", "GenuineIntel", 6, 42, 4, 4, 3400000,
          "fpu vme de pse tsc msr pae mce cx8 apic sep lm nx sse4_1 sse4_2 popcnt aes avx vmx")
    t.meminfo(3_962_068)
    t.boot(uefi=False, secure_boot=False)
    t.tpm(1)
    t.pci("0000:00:02.0", "0x030000", "0x8086", "0x0102", "0x103c", "0x1495")
    t.pci("0000:00:19.0", "0x020000", "0x8086", "0x1502", "0x103c", "0x1495")
    t.nic("eno1", "3c:d9:2b:00:00:07", "e1000e", pci="0000:00:19.0")
    t.loopback()
    ata = "pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block"
    t.disk("sda", ata, "8:0", 976_773_168, 1, "TABULA HDD 500", "TABHDD0007", "HPG1", phys=4096)
    t.smart("sda", ata_doc("/dev/sda", "TABULA HDD 500", "TABHDD0007", "HPG1", 500_107_862_016, 7200, 41234, 3011, 34, [
        ata_attr(5, "Reallocated_Sector_Ct", 100, 100, 36, 0, True),
        ata_attr(9, "Power_On_Hours", 53, 53, 0, 41234),
        ata_attr(187, "Reported_Uncorrect", 100, 100, 0, 0),
        ata_attr(197, "Current_Pending_Sector", 100, 100, 0, 0),
        ata_attr(198, "Offline_Uncorrectable", 100, 100, 0, 0),
    ]))


def vm():
    t = Tree("vm")
    t.cpu("QEMU Virtual CPU version 2.5+", "GenuineIntel", 6, 6, 2, 2, 0,
          "fpu de pse tsc msr pae mce cx8 apic sep lm nx sse4_1 sse4_2 popcnt hypervisor")
    t.meminfo(2_030_000)
    t.boot(uefi=False, secure_boot=False)
    t.pci("0000:00:02.0", "0x030000", "0x1234", "0x1111", "0x1af4", "0x1100")
    t.pci("0000:00:03.0", "0x020000", "0x1af4", "0x1000", "0x1af4", "0x0001")
    t.nic("ens3", "52:54:00:12:34:56", "virtio_net")
    t.loopback()
    t.disk("vda", "pci0000:00/0000:00:04.0/virtio1/block", "254:0", 41_943_040, 1, "", "", "", vendor="")


def main():
    if not os.path.isdir(os.path.join("crates", "audit")):
        sys.exit("run from the repository root")
    desktop()
    laptop()
    slic_machine()
    vm()
    print("wrote", ", ".join(sorted(d for d in os.listdir(OUT) if os.path.isdir(os.path.join(OUT, d)))))


if __name__ == "__main__":
    main()
