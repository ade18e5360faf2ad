// Internal to src/ledger: the 4-byte magic and u16 version every record encoding starts
// with (codec.hpp).
#pragma once

#include <cstdint>

#include "vinfer/wire.hpp"

namespace vinfer::ledger::detail {

inline void put_header(wire::ByteWriter& w, const char magic[4], uint16_t version) {
  for (int i = 0; i < 4; ++i)
    w.u8(static_cast<uint8_t>(magic[i]));
  w.u16(version);
}

}  // namespace vinfer::ledger::detail
