../common/writerd.o: ../common/writerd.c ../../include/uapi/linux/vss.h \
 ../common/writerd.h
../../include/uapi/linux/vss.h:
../common/writerd.h:
