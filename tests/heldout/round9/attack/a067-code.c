#include <stdio.h>
int main(void) { puts("SECRET UE"); return 0; }
