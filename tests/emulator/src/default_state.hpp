// The built-in default state document (other tests rely on its ids; do not change them).
#pragma once

namespace compshare_emulator {

const char* default_state_document();

}  // namespace compshare_emulator
