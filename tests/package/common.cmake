# Helpers of the package tests (consumer.cmake, deb.cmake), run with cmake -P.

# A fresh empty directory under the system's temporary folder, in `out_var`.
function(lpe_temporary_directory out_var stem)
  set(base "$ENV{TMPDIR}")
  if(NOT base)
    set(base /tmp)
  endif()
  string(RANDOM LENGTH 10 ALPHABET abcdefghijklmnopqrstuvwxyz0123456789 suffix)
  set(dir "${base}/${stem}-${suffix}")
  file(REMOVE_RECURSE "${dir}")
  file(MAKE_DIRECTORY "${dir}")
  set(${out_var} "${dir}" PARENT_SCOPE)
endfunction()

# lpe_run(<step> COMMAND...): runs the command; on failure stops with the step, exit status and
# its output.
function(lpe_run step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE output
                  ERROR_VARIABLE output)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${step} failed (${result}): ${ARGN}\n${output}")
  endif()
  set(lpe_run_output "${output}" PARENT_SCOPE)
endfunction()
