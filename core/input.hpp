#pragma once
// Reading the numbers of a request, as JSON numbers or as the text of a form field or URL, with
// messages that name the field by its label and quote what was typed (a short prefix of it).
// Shared by the estimate's and the cost calculator's requests.
#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace vramcalc {

// How a message shows a value the user gave: text quoted (its first characters only), numbers as
// people write them (1000000000, not 1e+09 or 1000000000.0), other JSON by its kind.
std::string describe_input(const nlohmann::json& v);

// A whole number of 0 or more, at most max_value. Throws InputError("invalid_<field>", field, ...).
uint64_t read_whole_number(const nlohmann::json& v, const std::string& field, uint64_t max_value);

// The same from the text of a form field or a URL parameter (no JSON involved, for the
// first-result module).
uint64_t whole_number_from_text(const std::string& field, const std::string& text, uint64_t max_value);

// A decimal number in plain or scientific notation ("12", "-0.5", "1e9"), nothing else, read
// exactly (decimal_value); false for any other text.
bool parse_decimal(const std::string& s, double* out);

// A finite real number. Throws InputError("invalid_<field>", field, ...).
double read_real_number(const nlohmann::json& v, const std::string& field);

// The message parts for a number out of range: "at least 1", "at most 1,000,000".
std::string at_least(double min);
std::string at_most(double max);
// The same for whole counts, without the general number formatting (the first-result module
// needs only these).
std::string at_least(uint64_t min);
std::string at_most(uint64_t max);

// "1 token", "2 tokens".
std::string count_of(uint64_t n, const char* singular, const char* plural);

}  // namespace vramcalc
