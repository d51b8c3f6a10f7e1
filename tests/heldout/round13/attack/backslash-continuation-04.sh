#!/bin/sh
echo "CONFIDEN\
TIEL LUX" > /etc/issue.net
