// The UCloud signature test vectors, in one table for every implementation we test (the client's
// signer and the emulator's checker). Sources: the official vectors V1-V7 (UCloud API docs,
// ucloud-sdk-go/-python3/-java tests) and the two derived DetachCompshareDisk vectors.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace test_support {

struct signature_vector {
    std::string name;
    std::map<std::string, std::string> params;  // flat, PublicKey included where the vector has it
    std::string private_key;
    std::string signature;
};

inline const std::string vector_public_key = "ucloudsomeone@example.com1296235120854146120";
inline const std::string vector_private_key = "46f09bb9fab4f12dfc160dae12273d5332b5debe";

inline std::vector<signature_vector> signature_vectors() {
    using params = std::map<std::string, std::string>;
    const auto keyed = [](params p) {
        p["PublicKey"] = vector_public_key;
        return p;
    };
    const params v2 = keyed({{"Action", "CreateUHostInstance"},
                             {"CPU", "2"},
                             {"ChargeType", "Month"},
                             {"DiskSpace", "10"},
                             {"ImageId", "f43736e1-65a5-4bea-ad2e-8a46e18883c2"},
                             {"LoginMode", "Password"},
                             {"Memory", "2048"},
                             {"Name", "Host01"},
                             {"Password", "VUNsb3VkLmNu"},
                             {"Quantity", "1"},
                             {"Region", "cn-bj2"},
                             {"Zone", "cn-bj2-04"}});
    params v3 = keyed({{"Action", "AllocateBackendBatch"}});
    const char* cycle[] = {"foo", "bar", "42"};
    for (int i = 0; i < 12; ++i)
        v3["Backends." + std::to_string(i)] = cycle[i % 3];
    params v4 = v2;
    v4["SecurityToken"] = "some_stoken";
    const params detach = keyed({{"Action", "DetachCompshareDisk"},
                                 {"Region", "cn-wlcb"},
                                 {"Zone", "cn-wlcb-01"},
                                 {"UHostId", "uhost-xxxx"},
                                 {"UDiskId", "udisk-xxxx"},
                                 {"Device", "/dev/vdb"}});
    params detach_without_device = detach;
    detach_without_device.erase("Device");
    const std::string k = vector_private_key;
    return {
        {"V1", keyed({{"Action", "DescribeUHostInstance"}, {"Region", "cn-bj2"}, {"Limit", "10"}}),
         k, "cba5cf5ec4d4233d206b1b54951e3787350a642f"},
        {"V2", v2, k, "4f9ef5df2abab2c6fccd1e9515cb7e2df8c6bb65"},
        {"V3", v3, k, "6bc32642779f8cb0bb3d3f128b1c0688abf9a1a3"},
        {"V4", v4, k, "170c480ad176a247b324eb92a2cfe536aacfbd04"},
        {"V5",
         keyed({{"Action", "DescribeUHostInstance"}, {"Region", "cn-bj2"}, {"Proportion", "35"}}),
         k, "da620b97de476947302291fc93a2d8b0710be328"},
        {"V6",
         keyed(
             {{"Action", "DescribeUHostInstance"}, {"Region", "cn-bj2"}, {"Proportion", "65.722"}}),
         k, "5e39dd48144d6a075328e56a6c5e9df6c39ae939"},
        {"V7 without PublicKey",
         {{"foo", "bar"}},
         "my_private_key",
         "634edc1bb957c0d65e5ab5494cf3b7784fbc87af"},
        {"V7 with PublicKey",
         {{"foo", "bar"}, {"PublicKey", "my_public_key"}},
         "my_private_key",
         "d4411ab30953fb0bbcb1e7313081f05e4e91a394"},
        {"derived detach", detach, k, "a6ec6e07f490cd46e91684c1bc444124c4f62573"},
        {"derived detach without Device", detach_without_device, k,
         "7573a643e39b9b8dcc620eab5c57fe1f34c37f1b"},
    };
}

}  // namespace test_support
