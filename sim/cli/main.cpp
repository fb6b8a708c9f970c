#include <cstdio>
int main() { std::puts("mqttbed: not built yet"); return 2; }
