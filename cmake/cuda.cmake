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
