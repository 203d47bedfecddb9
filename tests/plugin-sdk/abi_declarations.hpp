// What the ABI guard hashes: plugin.h's declarations without its comments and layout, so a
// documentation fix needs no version bump while any change to a declaration still does.
#pragma once

#include <string>
#include <string_view>

namespace txform::abi_guard {

// The C tokens of `header`, comments removed, one space between tokens, and each preprocessor
// directive on a line of its own (a directive ends at its line end). Whitespace that changes
// meaning is kept: `#define F(x)` (a function-like macro) stays distinct from `#define F (x)`.
// Throws std::invalid_argument, saying where, on an unterminated comment or literal.
std::string declarations(std::string_view header);

}  // namespace txform::abi_guard
