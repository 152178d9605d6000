#!/bin/sh
# Present but not executable: the broken workflow runs it directly.
echo present
