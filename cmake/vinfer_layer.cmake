# vinfer_layer(NAME SOURCES... [DEPS layer...] [LIBS lib...])
# Declares the library target vinfer_<NAME> for one layer folder under src/.
function(vinfer_layer name)
  cmake_parse_arguments(L "" "" "SOURCES;DEPS;LIBS" ${ARGN})
  if(NOT L_SOURCES)  # a layer still being written: keep the graph whole
    set(L_SOURCES ${CMAKE_CURRENT_BINARY_DIR}/empty_${name}.cpp)
    file(WRITE ${L_SOURCES} "// empty layer\n")
  endif()
  add_library(vinfer_${name} STATIC ${L_SOURCES})
  target_include_directories(vinfer_${name}
    PUBLIC ${VINFER_ROOT}/include
    PRIVATE ${VINFER_ROOT}/src)
  foreach(dep ${L_DEPS})
    target_link_libraries(vinfer_${name} PUBLIC vinfer_${dep})
  endforeach()
  if(L_LIBS)
    target_link_libraries(vinfer_${name} PUBLIC ${L_LIBS})
  endif()
endfunction()
