#!version:1.0.0.1
## Pieuvre boot file
include:config "y000000000078.cfg"
include:config "805ec0021c1b.cfg"
overwrite_mode = 1
