# snippet.cmake: cut the lines between "# snippet:PART begin" and
# "# snippet:PART end" out of IN (deploy/nginx/hhd.conf) into OUT, with the
# server block's indentation and scripts/serve's markers removed.
#   cmake -DIN=... -DOUT=... -DPART=http|server -P snippet.cmake
file(STRINGS ${IN} lines)
set(body "")
set(inside 0)
set(found 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^ *# snippet:${PART} end$")
    set(inside 0)
  elseif(inside)
    if(PART STREQUAL server)
      string(REGEX REPLACE "^    " "" line "${line}")
    endif()
    # scripts/serve's markers mean nothing outside the project
    string(REGEX REPLACE " *# serve:[a-z-]+$" "" line "${line}")
    string(APPEND body "${line}\n")
  elseif(line MATCHES "^ *# snippet:${PART} begin$")
    set(inside 1)
    set(found 1)
  endif()
endforeach()
if(NOT found OR inside)
  message(FATAL_ERROR "${IN}: no complete '# snippet:${PART}' section")
endif()
if(PART STREQUAL http)
  set(what "nginx's http {} context (include it once, e.g. at the top of a site file)")
else()
  set(what "a server {} block, after root, access_log and error_log")
endif()
file(WRITE ${OUT} "# Hackhelpdesk (hhd) nginx snippet for ${what}.\n"
  "# Cut from the project's deploy/nginx/hhd.conf; see /usr/share/doc/hhd/deploy.md.gz.\n\n${body}")
