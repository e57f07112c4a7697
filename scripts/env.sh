# Sourced by the scripts: environment the Emscripten toolchain needs.
# Debian's em++ loads the 'acorn' module from Debian's node packages, which a Node.js installed
# elsewhere does not search by default.
if [ -d /usr/share/nodejs ]; then
  export NODE_PATH="/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
fi
VRAMCALC_JOBS="$(nproc 2>/dev/null || echo 2)"
export VRAMCALC_JOBS
