// A compshare-emulator state document for tests that detach many disks: the emulator's default key
// pair and `hosts` stopped instances "uhost-<prefix>-H" in cn-wlcb-01, each with a boot disk on
// /dev/vda and `disks` data disks "udisk-<prefix>-H-D" on /dev/vdb, /dev/vdc, ...; and `free`
// unattached disks "udisk-<prefix>-free-F" in the same zone, for attach.
#pragma once

#include <compshare_emulator/server.hpp>

#include <string>

namespace test_support {

class fleet {
  public:
    explicit fleet(std::string prefix) : prefix_(std::move(prefix)) {}

    std::string host_id(int h) const { return "uhost-" + prefix_ + "-" + std::to_string(h); }
    std::string disk_id(int h, int d) const {
        return "udisk-" + prefix_ + "-" + std::to_string(h) + "-" + std::to_string(d);
    }

    std::string free_disk_id(int f) const {
        return "udisk-" + prefix_ + "-free-" + std::to_string(f);
    }

    std::string state_json(int hosts, int disks, int free = 0) const {
        std::string instances;
        for (int h = 0; h < hosts; ++h) {
            std::string disk_set = R"({"DiskId":"bsd-)" + prefix_ + "-" + std::to_string(h) +
                                   R"(","DiskType":"CLOUD_SSD","IsBoot":"True","Drive":"/dev/vda",)"
                                   R"("Size":100})";
            for (int d = 0; d < disks; ++d) {
                disk_set += R"(,{"DiskId":")" + disk_id(h, d) +
                            R"(","DiskType":"CLOUD_SSD","IsBoot":"False","Drive":"/dev/vd)" +
                            std::string(1, static_cast<char>('b' + d)) + R"(","Size":200})";
            }
            instances += std::string(h == 0 ? "" : ",") + R"({"UHostId":")" + host_id(h) +
                         R"(","Region":"cn-wlcb","Zone":"cn-wlcb-01","Name":")" + prefix_ +
                         R"(","State":"Stopped","DiskSet":[)" + disk_set + "]}";
        }
        std::string free_disks;
        for (int f = 0; f < free; ++f) {
            free_disks += std::string(f == 0 ? "" : ",") + R"({"DiskId":")" + free_disk_id(f) +
                          R"(","Region":"cn-wlcb","Zone":"cn-wlcb-01","Size":200})";
        }
        return std::string(R"({"KeyPairs":[{"PublicKey":")") +
               compshare_emulator::default_public_key + R"(","PrivateKey":")" +
               compshare_emulator::default_private_key + R"("}],"Instances":[)" + instances +
               R"(],"Disks":[)" + free_disks + "]}";
    }

  private:
    std::string prefix_;
};

}  // namespace test_support
