#include "catalog_other.hpp"

#include <stdexcept>

#include <nlohmann/json.hpp>

#include "json_writer.hpp"
#include "text.hpp"

namespace vramcalc {

namespace embedded {
extern const char* const models_other_json;
}

using nlohmann::json;

std::vector<OtherModel> parse_other_models(const std::string& text) {
  std::vector<OtherModel> out;
  const json d = json::parse(text);
  for (const json& m : d.at("models")) {
    OtherModel o;
    o.arch = arch_from_hf_config(m.at("config"));
    o.arch.id = m.at("id").get<std::string>();
    o.arch.name = m.at("name").get<std::string>();
    o.arch.family = "other";
    o.arch.n_ctx_max = m.at("context_official").get<uint64_t>();
    o.group = m.at("family").get<std::string>();
    o.hf_repo = m.at("hf_repo").get<std::string>();
    o.params_official = m.at("params_official").get<std::string>();
    o.params_active_official = m.at("params_active_official").get<std::string>();
    o.note = m.value("note", "");
    o.params_published = m.at("params_published").get<double>();
    o.params_active_published = m.value("params_active_published", 0.0);
    for (const json& inc : m.value("published_includes", json::array())) {
      o.published_includes_vision |= inc == "vision";
      o.published_includes_mtp |= inc == "mtp";
    }
    o.params = count_params(o.arch, group_tensors(enumerate_tensors(o.arch, TensorLayout{})));
    o.params_mtp = mtp_params(o.arch);
    out.push_back(std::move(o));
  }
  return out;
}

const std::vector<OtherModel>& other_models() {
  static const std::vector<OtherModel> models = parse_other_models(embedded::models_other_json);
  return models;
}

const OtherModel* find_other_model(const std::string& id) {
  for (const OtherModel& m : other_models()) {
    if (iequals(m.arch.id, id)) return &m;
  }
  return nullptr;
}

void resolve_other_model(EstimateRequest& r) {
  if (r.custom || catalog().find_model(r.model)) return;
  if (const OtherModel* o = find_other_model(r.model)) {
    r.custom = o->arch;
    r.custom_id = "other/" + o->arch.id;
  }
}

std::string other_models_json_text() {
  JsonWriter w;
  w.begin_object();
  w.key("models").begin_array();
  for (const OtherModel& m : other_models()) {
    w.begin_object();
    w.field("id", m.arch.id).field("name", m.arch.name).field("family", m.arch.family).field("group", m.group);
    w.field("arch", m.arch.arch).field("hf_repo", m.hf_repo).field("params_official", m.params_official);
    w.field("params_active_official", m.params_active_official).field("context_max", m.arch.n_ctx_max);
    w.field("attention", attention_kind_name(m.arch.attention)).field("moe", m.arch.is_moe());
    w.field("params_total", m.params.total).field("params_active", m.params.active);
    w.field("params_vision", m.arch.params_vision).field("params_mtp", m.params_mtp);
    w.field("checkpoint", m.arch.checkpoint.description).field("note", m.note);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take();
}

}  // namespace vramcalc
