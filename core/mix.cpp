#include "mix.hpp"

#include <cctype>

#include "catalog.hpp"
#include "errors.hpp"
#include "text.hpp"

namespace vramcalc {

namespace {

struct GroupName {
  const char* name;
  MixGroup group;
  bool layered;  // tensors inside the blocks (a layer range applies)
};
constexpr GroupName kGroups[] = {
    {"token_embd", MixGroup::token_embd, false},   {"output", MixGroup::output, false},
    {"attn", MixGroup::attn, true},                {"ffn", MixGroup::ffn, true},
    {"ffn.gate_up", MixGroup::ffn_gate_up, true},  {"ffn.down", MixGroup::ffn_down, true},
    {"shexp", MixGroup::shexp, true},              {"shexp.gate_up", MixGroup::shexp_gate_up, true},
    {"shexp.down", MixGroup::shexp_down, true},    {"exps", MixGroup::exps, true},
    {"exps.gate_up", MixGroup::exps_gate_up, true}, {"exps.down", MixGroup::exps_down, true},
};

// Types llama.cpp stores tensors in (Q8_K is only an intermediate of its dot products).
bool storable(GgmlType t) { return t != GgmlType::Q8_K; }

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

[[noreturn]] void bad(const std::string& message) { throw InputError("invalid_mix", "mix", message); }

std::string group_list() {
  std::string s;
  for (const GroupName& g : kGroups) s += (s.empty() ? "" : ", ") + std::string(g.name);
  return s;
}

std::string type_list() {
  std::string s;
  for (size_t i = 0; i < kGgmlTypeCount; ++i) {
    if (!storable(GgmlType(i))) continue;
    s += (s.empty() ? "" : ", ") + std::string(ggml_type_name(GgmlType(i)));
  }
  return s;
}

// A layer number: digits only, at most 5 of them.
int32_t layer_number(const std::string& s, const std::string& entry) {
  if (s.empty() || s.size() > 5) bad("the layer range of mix entry " + quote_input(entry) + " must be FIRST-LAST, e.g. 0-2");
  int32_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') bad("the layer range of mix entry " + quote_input(entry) + " must be FIRST-LAST with whole numbers, e.g. 0-2");
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

const char* mix_syntax_help() {
  return "GROUP[@FIRST-LAST]=TYPE,... where GROUP is token_embd, output, attn, ffn (dense layers; ffn.gate_up, "
         "ffn.down), shexp (shared experts; shexp.gate_up, shexp.down) or exps (routed experts; exps.gate_up, "
         "exps.down); TYPE a ggml type such as Q4_K, Q6_K, IQ1_S, Q8_0; @FIRST-LAST limits an entry to those layers. "
         "The most specific entry wins; unnamed tensors keep the base preset's rules";
}

QuantFormat parse_mix(const std::string& text, const QuantFormat& base, const GgmlTypeTable& types, uint32_t n_layer) {
  if (!base.gguf) bad("a mix needs a GGUF preset as its base (got the GPU format " + base.name + ")");
  if (!base.mix.empty()) bad("a mix cannot be based on another mix");
  if (text.size() > 4096) bad("the mix is longer than 4096 characters");
  QuantFormat q = base;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string entry = trim(text.substr(start, end - start));
    start = end + 1;
    if (entry.empty()) {
      if (end == text.size()) break;
      continue;  // ",," or a trailing comma
    }
    if (q.mix.size() >= 64) bad("the mix has more than 64 entries");
    const size_t eq = entry.find('=');
    if (eq == std::string::npos) bad("mix entry " + quote_input(entry) + " has no \"=\": write GROUP=TYPE, e.g. exps=IQ1_S");
    std::string lhs = lower(trim(entry.substr(0, eq)));
    const std::string rhs = upper(trim(entry.substr(eq + 1)));
    MixRule rule;
    std::string range;
    if (const size_t at = lhs.find('@'); at != std::string::npos) {
      range = trim(lhs.substr(at + 1));
      lhs = trim(lhs.substr(0, at));
    }
    const GroupName* g = nullptr;
    for (const GroupName& x : kGroups) {
      if (lhs == x.name) g = &x;
    }
    if (!g) bad("unknown group " + quote_input(lhs) + " in mix entry " + quote_input(entry) + " (groups: " + group_list() + ")");
    rule.group = g->group;
    if (!range.empty() || entry.find('@') != std::string::npos) {
      if (!g->layered) bad("group " + std::string(g->name) + " is not part of a layer: it takes no @FIRST-LAST range");
      const size_t dash = range.find('-');
      rule.first = layer_number(trim(range.substr(0, dash)), entry);
      rule.last = dash == std::string::npos ? rule.first : layer_number(trim(range.substr(dash + 1)), entry);
      if (rule.first > rule.last) {
        bad("the layer range of group " + std::string(g->name) + " runs backwards (" + std::to_string(rule.first) + "-" +
            std::to_string(rule.last) + "): write FIRST-LAST with FIRST <= LAST");
      }
      if (n_layer > 0 && uint32_t(rule.last) >= n_layer) {
        bad("the layer range " + std::to_string(rule.first) + "-" + std::to_string(rule.last) + " of group " + g->name +
            " goes past the model's " + std::to_string(n_layer) + " layers (0-" + std::to_string(n_layer - 1) + ")");
      }
    }
    if (rhs.empty()) bad("group " + std::string(g->name) + " has no type: write " + g->name + "=TYPE, e.g. " + g->name + "=Q4_K");
    bool found = false;
    for (size_t i = 0; i < kGgmlTypeCount; ++i) {
      if (rhs == ggml_type_name(GgmlType(i)) && storable(GgmlType(i))) {
        rule.type = GgmlType(i);
        found = true;
      }
    }
    if (!found) bad("unknown type " + quote_input(rhs) + " for group " + g->name + " (ggml types: " + type_list() + ")");
    if (types[size_t(rule.type)].block_size == 0) bad("type " + rhs + " has no block layout in the catalogue");
    q.mix.push_back(rule);
  }
  if (q.mix.empty()) bad("the mix is empty: give GROUP=TYPE entries such as exps=IQ1_S,exps.down=Q2_K");
  q.mix_text = trim(text);
  q.name = base.name + " + mix";
  q.nominal_bits = 0;  // no single nominal width: the naive figure is the mix's own weights
  q.description = "custom mix " + q.mix_text + " over llama-quantize's " + base.name + " rules";
  return q;
}

void apply_mix(EstimateRequest& r, const std::string& text) {
  const Catalog& cat = catalog();
  const QuantFormat* base = cat.find_quant(r.quant);
  if (!base) throw InputError("unknown_quant", "quant", "unknown quantization " + quote_input(r.quant) + " (the mix's base preset)");
  uint32_t n_layer = 0;
  if (r.custom) {
    n_layer = r.custom->n_layer;
  } else if (const CatalogModel* m = cat.find_model(r.model)) {
    n_layer = m->arch.n_layer;
  }
  r.mix_format = parse_mix(text, *base, cat.ggml_types, n_layer);
}

}  // namespace vramcalc
