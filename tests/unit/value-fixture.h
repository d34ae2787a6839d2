/* value-fixture.h - the objects of value-fixture.c */
#ifndef LURK_VALUE_FIXTURE_H
#define LURK_VALUE_FIXTURE_H

enum color { RED, GREEN, BLUE };

struct point {
	int x, y;
};

struct job {
	int id;
	double weight;
	float share;
};

struct flags {
	unsigned on : 1;
	int level : 4;
	unsigned mode : 3;
};

/* Signed: an enumerator is negative, so a bitfield of it sign-extends. */
enum sign { sm1 = -1, s0, s1 };

struct sfield {
	enum sign field : 2;
	int plain : 3;
	unsigned uns : 3;
	enum color hue : 2;
};

typedef struct point point_t;
typedef point_t point2_t;
typedef char *char_addr;

/* An anonymous union member: ptype spells it out. */
struct holder {
	int tag;
	union {
		int i;
		float f;
	};
};

extern int counter, negative, arr[4];
extern short small;
extern unsigned long big;
extern char letter;
extern double ratio;
extern float weight;
extern long double precise;
extern __float128 quad;
extern struct job job, *current;
extern enum color shade;
extern struct point pt, path[3], *where;
extern const char *greeting;
extern struct flags fl;
extern struct sfield sef;
extern int *nowhere;
extern int int2dim[3][4], int3dim[2][2][3];
extern struct point grid[2][2];
extern char words[2][4];
extern point2_t corner2;
extern const volatile int cv_int;
extern const char_addr fixed;
extern struct holder holder;

int frame_locals(int arg);
void takes_nothing(void);
int sum_of(int n, ...);
double sum_squares(double x, double y);

#endif
