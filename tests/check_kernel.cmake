# check_kernel.cmake — `cmake -DCLANG=... -DKERNEL_DIR=... -DKERNEL=x.cl -P check_kernel.cmake`
# Syntax-checks one kernel file as OpenCL C 1.2, exactly as the library
# assembles it (common.cl + philox.cl + codec.cl [+ the family's shared file,
# optim_rules.cl for optim.cl] + the file; backends/opencl/cl_program.c), and
# rejects non-ASCII bytes, which some vendor compilers refuse.
file(READ "${KERNEL_DIR}/${KERNEL}" text HEX)
if(text MATCHES "[89a-f][0-9a-f]")
  string(REGEX MATCHALL "[0-9a-f][0-9a-f]" bytes "${text}")
  foreach(b IN LISTS bytes)
    if(b MATCHES "^[89a-f]")
      message(FATAL_ERROR "${KERNEL}: contains a non-ASCII byte (0x${b})")
    endif()
  endforeach()
endif()
set(out "${CMAKE_CURRENT_BINARY_DIR}/check_${KERNEL}")
file(READ "${KERNEL_DIR}/common.cl" common)
file(READ "${KERNEL_DIR}/philox.cl" philox)
file(READ "${KERNEL_DIR}/codec.cl" codec)
file(READ "${KERNEL_DIR}/${KERNEL}" body)
if(KERNEL STREQUAL "optim.cl")
  file(READ "${KERNEL_DIR}/optim_rules.cl" rules)
  set(body "${rules}\n${body}")
endif()
if(KERNEL STREQUAL "common.cl" OR KERNEL STREQUAL "philox.cl" OR KERNEL STREQUAL "codec.cl")
  file(WRITE "${out}" "${common}\n${philox}\n${codec}\n")
else()
  file(WRITE "${out}" "${common}\n${philox}\n${codec}\n${body}\n")
endif()
execute_process(COMMAND ${CLANG} -cl-std=CL1.2 -fsyntax-only -Xclang -finclude-default-header -D__OPENCL_VERSION__=120 -Werror "${out}"
                RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE log)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${KERNEL}: clang -cl-std=CL1.2 rejects it:\n${err}${log}")
endif()
message(STATUS "${KERNEL}: OpenCL C 1.2 syntax ok")
