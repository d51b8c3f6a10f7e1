section .data
banner: db "COSMIC TOP SECRET", 10, 0
