// Every RetCode the emulator answers with. Gateway codes follow the UCloud docs; the others are
// the emulator's own choices where the real value is UNKNOWN (see README "RetCodes").
#pragma once

namespace compshare_emulator::ret {

inline constexpr int ok = 0;
inline constexpr int missing_action = 160;      // UCloud gateway
inline constexpr int unknown_action = 161;      // UCloud gateway
inline constexpr int missing_signature = 170;   // UCloud gateway
inline constexpr int bad_signature = 171;       // UCloud gateway
inline constexpr int unknown_public_key = 172;  // UCloud gateway
inline constexpr int bad_params =
    230;  // observed text "Params [X] not available"; meaning inferred
inline constexpr int instance_not_found = 8040;      // emulator choice
inline constexpr int instance_bad_state = 8041;      // emulator choice
inline constexpr int system_disk = 8042;             // emulator choice
inline constexpr int disk_not_attached_here = 8043;  // emulator choice
inline constexpr int device_mismatch = 8044;         // emulator choice
inline constexpr int zone_mismatch = 8045;           // emulator choice (attach)
inline constexpr int no_free_device = 8046;          // emulator choice (attach)
inline constexpr int disk_not_found = 17041;         // UDisk code "UDisk ID does not exist"
inline constexpr int disk_attaching = 17026;         // UDisk code "disk attaching" (detach)
inline constexpr int attach_in_progress = 17056;     // UDisk code "attach in progress"
inline constexpr int already_attached = 17057;       // UDisk code "already attached"
inline constexpr int detach_in_progress = 17061;     // UDisk code "detach in progress, wait"

}  // namespace compshare_emulator::ret
