# TOP SECRET - do not commit
import os
