# vramcalc_expose_header(<subdir> <header> <out_var>)
# Finds <header> (e.g. nlohmann/json.hpp) outside any cross-compiling sysroot and links its
# top directory <subdir> into build/exposed/<subdir>, so the include path can be
# build/exposed rather than /usr/include.
function(vramcalc_expose_header subdir header out_var)
  find_path(_dir_${subdir} ${header}
            PATHS /usr/include /usr/local/include /opt/homebrew/include $ENV{CPATH}
            NO_CMAKE_FIND_ROOT_PATH)
  if(NOT _dir_${subdir})
    message(FATAL_ERROR "${header} not found: run scripts/setup (installs nlohmann-json3-dev and doctest-dev)")
  endif()
  set(_exposed ${CMAKE_BINARY_DIR}/exposed/${subdir})
  file(MAKE_DIRECTORY ${_exposed}/inc)
  if(NOT EXISTS ${_exposed}/inc/${subdir})
    file(CREATE_LINK ${_dir_${subdir}}/${subdir} ${_exposed}/inc/${subdir} SYMBOLIC)
  endif()
  set(${out_var} ${_exposed}/inc PARENT_SCOPE)
endfunction()
