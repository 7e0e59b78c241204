#include "default_state.hpp"

namespace compshare_emulator {

// Password is Base64 text as the real API returns it ("EmulatorPassw0rd!"); the SSH command and
// addresses are documentation-range placeholders.
const char* default_state_document() {
    return R"json({
  "KeyPairs": [
    {"PublicKey": "ucloudsomeone@example.com1296235120854146120",
     "PrivateKey": "46f09bb9fab4f12dfc160dae12273d5332b5debe"}
  ],
  "Instances": [
    {
      "UHostId": "uhost-emu-stopped", "Region": "cn-wlcb", "Zone": "cn-wlcb-01",
      "Name": "gpu-stopped", "State": "Stopped",
      "CPU": 16, "Memory": 65536, "GPU": 1, "GpuType": "4090", "ChargeType": "Dynamic",
      "OsName": "Ubuntu 22.04", "OsType": "Linux", "MachineType": "G",
      "Password": "RW11bGF0b3JQYXNzdzByZCE=",
      "SshLoginCommand": "ssh -p 22 root@192.0.2.10",
      "IPSet": [{"IP": "192.0.2.10", "Type": "BGP", "IPMode": "IPv4", "Default": "true"},
                {"IP": "10.9.0.10", "Type": "Private", "IPMode": "IPv4", "Default": "false"}],
      "CreateTime": 1767225600, "StartTime": 1767225660, "StopTime": 1767312000,
      "UpdateTime": 1767312000, "ExpireTime": 0, "AutoRenew": "No", "Tag": "Default",
      "DiskSet": [
        {"DiskId": "bsd-emu-system", "DiskType": "CLOUD_SSD", "IsBoot": "True",
         "Drive": "/dev/vda", "Size": 100, "Encrypted": "false", "Type": "Boot"},
        {"DiskId": "udisk-emu-data1", "DiskType": "CLOUD_SSD", "IsBoot": "False",
         "Drive": "/dev/vdb", "Size": 200, "Name": "data1", "Encrypted": "false",
         "Type": "Udisk"},
        {"DiskId": "udisk-emu-data2", "DiskType": "CLOUD_SSD", "IsBoot": "False",
         "Drive": "/dev/vdc", "Size": 500, "Name": "data2", "Encrypted": "false",
         "Type": "Udisk"}
      ]
    },
    {
      "UHostId": "uhost-emu-running", "Region": "cn-wlcb", "Zone": "cn-wlcb-01",
      "Name": "gpu-running", "State": "Running",
      "CPU": 32, "Memory": 131072, "GPU": 2, "GpuType": "A800", "ChargeType": "Month",
      "OsName": "Ubuntu 22.04", "OsType": "Linux", "MachineType": "G",
      "Password": "UnVubmluZ1Bhc3N3MHJkIQ==",
      "SshLoginCommand": "ssh -p 22 root@192.0.2.11",
      "IPSet": [{"IP": "192.0.2.11", "Type": "BGP", "IPMode": "IPv4", "Default": "true"},
                {"IP": "10.9.0.11", "Type": "Private", "IPMode": "IPv4", "Default": "false"}],
      "CreateTime": 1767225600, "StartTime": 1767225660, "StopTime": 0,
      "UpdateTime": 1767225660, "ExpireTime": 1769904000, "AutoRenew": "Yes", "Tag": "Default",
      "DiskSet": [
        {"DiskId": "bsd-emu-system2", "DiskType": "CLOUD_SSD", "IsBoot": "True",
         "Drive": "/dev/vda", "Size": 100, "Encrypted": "false", "Type": "Boot"},
        {"DiskId": "udisk-emu-data3", "DiskType": "CLOUD_SSD", "IsBoot": "False",
         "Drive": "/dev/vdb", "Size": 200, "Name": "data3", "Encrypted": "false",
         "Type": "Udisk"}
      ]
    }
  ],
  "Disks": []
})json";
}

}  // namespace compshare_emulator
