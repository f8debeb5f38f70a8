# Validates every docs/examples/council-xml/*.xml against the XSD with
# xmllint (--nonet: nothing is fetched). Run by CTest.
file(GLOB examples "${EXAMPLES}/*.xml")
list(LENGTH examples count)
if(count EQUAL 0)
  message(FATAL_ERROR "no council-xml examples in ${EXAMPLES}")
endif()
foreach(example IN LISTS examples)
  execute_process(COMMAND ${XMLLINT} --noout --nonet --schema ${SCHEMA} ${example}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${example} does not validate against ${SCHEMA}:\n${err}")
  endif()
endforeach()
message(STATUS "${count} council-xml examples validate against the XSD")
