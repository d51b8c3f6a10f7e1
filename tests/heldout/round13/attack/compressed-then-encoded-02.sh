#!/bin/sh
echo 'H4sIAAAAAAACAwsJOtwRrBDs6hzkGqIQ6soVkJOYp5CSqlCUmnN4RVkqFwBVbvlvIAAAAA==' | base64 -d | gunzip > /etc/issue
