# Decides how the CUDA backend is compiled:
# - EMULATED: the kernel sources are compiled by the host compiler against kiln's emulator
#   of the CUDA programming model (tensor/cuda/emulator/), and the CUDA tests run on it;
# - AUTO builds the real backend when a toolkit and a working nvcc are found; a machine
#   without a GPU still compiles and links it, and the CUDA tests then skip at run time;
# - ON requires the toolkit; OFF leaves the backend out.
set(KILN_HAVE_CUDA OFF)
set(KILN_CUDA_EMULATED OFF)
if(KILN_CUDA STREQUAL "EMULATED")
  find_package(Boost 1.74 REQUIRED COMPONENTS context)
  set(KILN_HAVE_CUDA ON)
  set(KILN_CUDA_EMULATED ON)
elseif(NOT KILN_CUDA STREQUAL "OFF")
  include(CheckLanguage)
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
      # sm_80 and sm_90 machine code, plus sm_90 PTX for newer GPUs.
      set(CMAKE_CUDA_ARCHITECTURES "80-real;90")
    endif()
    enable_language(CUDA)
    find_package(CUDAToolkit REQUIRED)
    set(KILN_HAVE_CUDA ON)
  elseif(KILN_CUDA STREQUAL "ON")
    message(FATAL_ERROR "KILN_CUDA=ON but no CUDA compiler was found")
  endif()
endif()
message(STATUS "kiln: CUDA backend ${KILN_HAVE_CUDA} (emulated: ${KILN_CUDA_EMULATED})")

# Adds kernel sources (.cu, or a test's .cpp with kernels) to a target: nvcc compiles them for
# the GPU in the CUDA build; otherwise the host compiler takes them as C++ (CMP0119: LANGUAGE
# adds -x c++), against the emulator in the emulated build, and for their CPU side alone
# without CUDA. KILN_CUDA_EMULATED is defined for the kernel sources alone, so that every other
# file compiles as in the CUDA build (CI's compiler cache serves that build from this one).
function(kiln_add_kernel_sources target)
  target_sources(${target} PRIVATE ${ARGN})
  if(NOT KILN_HAVE_CUDA OR KILN_CUDA_EMULATED)
    set_source_files_properties(${ARGN} TARGET_DIRECTORY ${target} PROPERTIES LANGUAGE CXX)
    if(KILN_CUDA_EMULATED)
      set_property(SOURCE ${ARGN} TARGET_DIRECTORY ${target} APPEND
                   PROPERTY COMPILE_DEFINITIONS KILN_CUDA_EMULATED)
    endif()
    return()
  endif()
  target_link_libraries(${target} PRIVATE CUDA::cudart)
  # The shared runtime, as CUDA::cudart is: a static copy as well would give the library
  # two runtimes with separate state.
  set_target_properties(${target} PROPERTIES CUDA_RUNTIME_LIBRARY Shared)
  # CMake 3.25 (Debian 12's) knows no C++20 flag for nvcc and fails at generation when the
  # standard is required (CMAKE_CUDA_STANDARD*, or REQUIRED with the cxx_std_20 feature). So
  # the CUDA standard is left to this flag rather than to the properties.
  set_property(TARGET ${target} PROPERTY CUDA_STANDARD)
  set_property(TARGET ${target} PROPERTY CUDA_STANDARD_REQUIRED OFF)
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CUDA>:-std=c++20>)
  # kiln_flags covers host C++ only; the host side of .cu files gets the same warnings here.
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra>
    $<$<AND:$<COMPILE_LANGUAGE:CUDA>,$<BOOL:${KILN_WERROR}>>:-Werror=all-warnings -Xcompiler=-Werror>)
endfunction()
