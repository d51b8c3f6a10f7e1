banner = 'NATO SEC' \
         'RET'
