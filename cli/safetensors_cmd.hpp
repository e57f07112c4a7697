#pragma once
// vramcalc --safetensors FILE...: parameter counts and bytes from safetensors headers.
int run_safetensors_command(int argc, char** argv);
