/* exp.py (pa3 benchmark, scaled: n = 24000000) written in C: the same algorithm;
   the nested function's captured variables become pointer parameters. */
#include <stdio.h>

static int geta(int *a) { return *a; }

static int f(int i, int x, int *a) {
    if (i <= 0)
        return geta(a);
    *a = (int)((unsigned)*a * (unsigned)x); /* 32-bit wrapping, as ChocoPy */
    return f(i - 1, x, a);
}

static int exp_(int x, int y) {
    int a = 1;
    return f(y, x, &a);
}

int main(void) {
    int n = 24000000;
    int i = 0;
    while (i <= n) {
        printf("%d\n", exp_(2, i % 31));
        i = i + 1;
    }
    return 0;
}
