#!version:1.0.0.1
include:config "y000000000066.cfg"
include:config <805ec0010001.cfg>
overwrite_mode = 1
