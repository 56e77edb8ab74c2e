# Small helpers in the spirit of Abseil's absl_cc_library / absl_cc_test.

set(REPRAM_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Wunused -Woverloaded-virtual -Wformat=2)

# repram_cc_library(NAME <target> SRCS <files...> DEPS <targets...>)
function(repram_cc_library)
  cmake_parse_arguments(L "" "NAME" "SRCS;DEPS" ${ARGN})
  if(L_SRCS)
    add_library(${L_NAME} STATIC ${L_SRCS})
    target_include_directories(${L_NAME} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${L_NAME} PUBLIC ${L_DEPS})
    target_compile_options(${L_NAME} PRIVATE ${REPRAM_WARNINGS})
  else()
    add_library(${L_NAME} INTERFACE)
    target_include_directories(${L_NAME} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(${L_NAME} INTERFACE ${L_DEPS})
  endif()
endfunction()

# repram_cc_test(NAME <target> SRCS <files...> DEPS <targets...> [LABELS <labels...>])
# Tests are registered with ctest under the label "unit" unless LABELS says otherwise.
function(repram_cc_test)
  if(NOT REPRAM_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(T "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SRCS})
  target_link_libraries(${T_NAME} PRIVATE ${T_DEPS} GTest::gmock GTest::gtest_main)
  target_compile_options(${T_NAME} PRIVATE ${REPRAM_WARNINGS})
  target_compile_definitions(${T_NAME} PRIVATE
      REPRAM_VECTORS_DIR="${PROJECT_SOURCE_DIR}/tests/vectors")
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} --gtest_brief=1)
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT 300)
endfunction()
