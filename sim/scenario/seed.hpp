#pragma once
// The one spelling of a seed, shared by scenario files (run.seed, cities.attributes.seed),
// --set, --seed and --seeds, so no two paths read the same text differently.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pzsim {

// Plain decimal digits, 0 to 18446744073709551615 (2^64 - 1). A sign, hex, an exponent, a
// fraction, spaces or a value past 2^64 - 1 are refused with the reason in `problem`
// ("-1 would wrap round to 2^64 - 1", ...), never converted.
std::optional<std::uint64_t> parse_seed(std::string_view text, std::string& problem);

// parse_seed, throwing InputError("<what> <text>: <problem>; expected a seed ...").
std::uint64_t parse_seed_or_throw(std::string_view text, std::string_view what);

// What a seed looks like, for "expected ..." messages.
inline constexpr std::string_view kSeedExpected = "a seed: a whole number from 0 to 18446744073709551615 in plain digits";

}  // namespace pzsim
