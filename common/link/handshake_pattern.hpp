// Noise handshake patterns as data (revision 34, §7): each pattern is the list of its messages, each message
// the list of its tokens, alternating initiator → responder, responder → initiator, ... . The handshake
// state interprets the tokens; adding a pattern is adding a table here. Only patterns without pre-messages
// are described (the link uses XX, where neither side knows the other's static key in advance).
//
//   XX:
//     -> e
//     <- e, ee, s, es
//     -> s, se
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace bodycam::common::link {

enum class token : std::uint8_t { e, s, ee, es, se, ss };

struct handshake_pattern {
  std::string_view name;  // as it appears in the protocol name: "XX"
  std::span<const std::span<const token>> messages;
};

namespace patterns {
inline constexpr std::array<token, 1> xx_message_1{token::e};
inline constexpr std::array<token, 4> xx_message_2{token::e, token::ee, token::s, token::es};
inline constexpr std::array<token, 2> xx_message_3{token::s, token::se};
inline constexpr std::array<std::span<const token>, 3> xx_messages{xx_message_1, xx_message_2, xx_message_3};
}  // namespace patterns

inline constexpr handshake_pattern pattern_xx{"XX", patterns::xx_messages};

}  // namespace bodycam::common::link
