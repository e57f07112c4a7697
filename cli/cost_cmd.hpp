#pragma once
// Sub-commands cost, route and monitor; argv[1] names the command.
int run_cost_command(int argc, char** argv);
